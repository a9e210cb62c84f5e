from django.urls import path

from . import views

app_name = "agenda"
urlpatterns = [
    path("programme/", views.current, name="current"),
    path("organisateurs/<slug:slug>/", views.organisation_page, name="organisation"),
    path("editions/<slug:edition>/", views.edition_page, name="edition"),
    path("editions/<slug:edition>/programmes/<slug:slug>/", views.programme_page,
         name="programme"),
    path("editions/<slug:edition>/evenements/<uuid:public_id>/<slug:slug>/", views.event_page,
         name="event"),
]
