from django.urls import path

from semaine.web.organiser import hackathons as organiser
from semaine.web.public import hackathons as views

app_name = "hackathons"
urlpatterns = [
    path("projets/", views.gallery, name="gallery"),
    path("projets/<uuid:public_id>/", views.project, name="project"),
    path("<uuid:public_id>/", views.hackathon, name="hackathon"),
    path("<uuid:public_id>/profil/", views.profile, name="profile"),
    path("<uuid:public_id>/resultats/", views.results, name="results"),
    path("<uuid:public_id>/resultats.json", views.results_json, name="results_json"),
    path("defis/<uuid:public_id>/", views.challenge, name="challenge"),
    path("equipes/<uuid:public_id>/", views.team, name="team"),
    path("equipes/<uuid:public_id>/agir/", views.team_action, name="team_action"),
    path("equipes/<uuid:public_id>/projet/", views.submission, name="submission"),
    path("jury/invitation/<str:token>/", views.juror_accept, name="juror_accept"),
    path("<uuid:public_id>/jury/", views.jury, name="jury"),
    path("jury/projets/<uuid:public_id>/", views.score, name="score"),
    path("organisateur/evenements/<int:pk>/", organiser.set_up, name="set_up"),
    path("organisateur/<uuid:public_id>/", organiser.manage, name="manage"),
    path("organisateur/defis/<uuid:public_id>/donnees/", organiser.dataset_add,
         name="dataset_add"),
]
