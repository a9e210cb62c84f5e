from django.urls import path

from . import openagenda_views, stats_views, views

app_name = "opendata"
urlpatterns = [
    path("editions/<slug:edition>/agenda.ics", views.search_feed, name="search_ics"),
    path("editions/<slug:edition>/evenements/<uuid:public_id>.ics", views.event_feed,
         name="event_ics"),
    path("editions/<slug:edition>/programmes/<slug:slug>/agenda.ics", views.programme_feed,
         name="programme_ics"),
    path("editions/<slug:edition>/programmes/<slug:slug>/openagenda.json",
         openagenda_views.programme_export, name="programme_openagenda"),
    path("organisateurs/<slug:slug>/agenda.ics", views.organisation_feed, name="organisation_ics"),
    path("espace/<slug:slug>/openagenda/", openagenda_views.import_start,
         name="openagenda_import"),
    path("espace/<slug:slug>/openagenda/<int:pk>/", openagenda_views.import_run,
         name="openagenda_run"),
    path("openagenda/exemple.json", openagenda_views.sample_file, name="openagenda_sample"),
    path("statistiques/", stats_views.current_statistics, name="current_statistics"),
    path("editions/<slug:edition>/statistiques/", stats_views.statistics_page, name="statistics"),
    path("editions/<slug:edition>/statistiques/<str:chart>.csv", stats_views.statistics_csv,
         name="statistics_csv"),
]
