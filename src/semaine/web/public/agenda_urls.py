from django.urls import path

from . import agenda as views
from . import map as map_views

app_name = "agenda"
urlpatterns = [
    path("programme/", views.current, name="current"),
    path("organisateurs/<slug:slug>/", views.organisation_page, name="organisation"),
    path("editions/", views.editions, name="editions"),
    path("editions/<slug:edition>/", views.edition_page, name="edition"),
    path("editions/<slug:edition>/agenda/", views.agenda_list, name="list"),
    path("editions/<slug:edition>/calendrier/", views.calendar_page, name="calendar"),
    path("editions/<slug:edition>/carte/", map_views.map_page, name="map"),
    path("editions/<slug:edition>/agenda.geojson", map_views.geojson, name="geojson"),
    path("carte/departements.geojson", map_views.departements, name="departements_geojson"),
    path("editions/<slug:edition>/themes/", views.theme_index, name="themes"),
    path("editions/<slug:edition>/themes/<slug:slug>/", views.theme_page, name="theme"),
    path("editions/<slug:edition>/departements/<str:code>/", views.departement_page,
         name="departement"),
    path("editions/<slug:edition>/regions/<slug:slug>/", views.region_page, name="region"),
    path("editions/<slug:edition>/programmes/<slug:slug>/", views.programme_page,
         name="programme"),
    path("editions/<slug:edition>/evenements/<uuid:public_id>/<slug:slug>/", views.event_page,
         name="event"),
]
