from django.urls import path

from . import token_views, views

app_name = "opendata"
urlpatterns = [
    path("api/<path:rest>", views.api_not_found, name="api_not_found"),
    path("espace/<slug:slug>/jetons/", token_views.tokens, name="tokens"),
    path("editions/<slug:edition>/agenda.ics", views.search_feed, name="search_ics"),
    path("editions/<slug:edition>/evenements/<uuid:public_id>.ics", views.event_feed,
         name="event_ics"),
    path("editions/<slug:edition>/programmes/<slug:slug>/agenda.ics", views.programme_feed,
         name="programme_ics"),
    path("organisateurs/<slug:slug>/agenda.ics", views.organisation_feed, name="organisation_ics"),
]
