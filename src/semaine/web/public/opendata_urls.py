from django.urls import path

from semaine.web.organiser import openagenda as organiser_openagenda
from semaine.web.organiser import tokens as token_views
from semaine.web.public import openagenda as openagenda_views

from . import feeds as views
from . import opendata as export_views
from . import statistics as stats_views

app_name = "opendata"
urlpatterns = [
    path("espace/<slug:slug>/jetons/", token_views.tokens, name="tokens"),
    path("editions/<slug:edition>/agenda.ics", views.search_feed, name="search_ics"),
    path("editions/<slug:edition>/evenements/<uuid:public_id>.ics", views.event_feed,
         name="event_ics"),
    path("editions/<slug:edition>/programmes/<slug:slug>/agenda.ics", views.programme_feed,
         name="programme_ics"),
    path("editions/<slug:edition>/programmes/<slug:slug>/openagenda.json",
         openagenda_views.programme_export, name="programme_openagenda"),
    path("organisateurs/<slug:slug>/agenda.ics", views.organisation_feed, name="organisation_ics"),
    path("espace/<slug:slug>/openagenda/", organiser_openagenda.import_start,
         name="openagenda_import"),
    path("espace/<slug:slug>/openagenda/<int:pk>/", organiser_openagenda.import_run,
         name="openagenda_run"),
    path("openagenda/exemple.json", openagenda_views.sample_file, name="openagenda_sample"),
    path("statistiques/", stats_views.current_statistics, name="current_statistics"),
    path("editions/<slug:edition>/statistiques/", stats_views.statistics_page, name="statistics"),
    path("editions/<slug:edition>/statistiques/<str:chart>.csv", stats_views.statistics_csv,
         name="statistics_csv"),
    path("donnees-ouvertes/", export_views.current, name="current"),
    path("editions/<slug:edition>/donnees-ouvertes/", export_views.edition_page, name="edition"),
    path("editions/<slug:edition>/donnees-ouvertes/evenements.csv", export_views.csv_export,
         name="csv"),
    path("editions/<slug:edition>/donnees-ouvertes/evenements.jsonld", export_views.jsonld_export,
         name="jsonld"),
    path("editions/<slug:edition>/donnees-ouvertes/evenements.geojson", export_views.geojson_export,
         name="geojson"),
    path("editions/<slug:edition>/donnees-ouvertes/schema.json", export_views.schema, name="schema"),
    path("editions/<slug:edition>/donnees-ouvertes/datapackage.json", export_views.datapackage,
         name="datapackage"),
    path("editions/<slug:edition>/donnees-ouvertes/<str:name>", export_views.participation_file,
         name="participation"),
]
