from django.urls import path

from . import programmes, views

app_name = "organisers"
urlpatterns = [
    path("", views.home, name="home"),
    path("declarer/", views.declare, name="declare"),
    path("demandes/<int:pk>/", views.join_request_decision, name="join_request"),
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/evenements/", views.events, name="events"),
    path("<slug:slug>/evenements/nouveau/", views.event_create, name="event_create"),
    path("<slug:slug>/lieux/", views.venues, name="venues"),
    path("<slug:slug>/lieux/<int:pk>/", views.venue_edit, name="venue_edit"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/programmes/", programmes.programmes, name="programmes"),
    path("programmes/<int:pk>/", programmes.programme, name="programme"),
    path("programmes/<int:pk>/archiver/", programmes.programme_archive, name="programme_archive"),
    path("parcours/<int:pk>/", programmes.track, name="track"),
    path("parcours/<int:pk>/deplacer/", programmes.track_move, name="track_move"),
    path("parcours/<int:pk>/archiver/", programmes.track_archive, name="track_archive"),
    path("evenements/<int:pk>/", views.event_detail, name="event"),
    path("evenements/<int:pk>/modifier/", views.event_edit, name="event_edit"),
    path("evenements/<int:pk>/soumettre/", views.event_submit, name="event_submit"),
    path("evenements/<int:pk>/dupliquer/", views.event_duplicate, name="event_duplicate"),
    path("evenements/<int:pk>/statut/", views.event_status, name="event_status"),
    path("evenements/<int:pk>/creneaux/<int:slot_pk>/annuler/", views.slot_cancel,
         name="slot_cancel"),
]
