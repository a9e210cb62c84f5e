from django.urls import path

from semaine.web.organiser import attendees
from semaine.web.public import registrations as views

app_name = "registrations"
urlpatterns = [
    path("mes-inscriptions/", views.mine, name="mine"),
    path("evenements/<uuid:public_id>/", views.register, name="register"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("billet/<str:token>/", views.manage, name="manage"),
    path("billet/<str:token>/annuler/", views.cancel, name="cancel"),
    path("place-liberee/<str:token>/", views.accept, name="accept"),
    path("organisateur/evenements/<int:pk>/", attendees.attendees, name="attendees"),
    path("organisateur/inscriptions/<int:pk>/pointer/", attendees.check_in, name="check_in"),
    path("organisateur/evenements/<int:pk>/accueil/", attendees.desk, name="desk"),
    path("organisateur/evenements/<int:pk>/questions/", attendees.questions, name="questions"),
    path("organisateur/evenements/<int:pk>/message/", attendees.message, name="message"),
    path("organisateur/evenements/<int:pk>/courriels/reessayer/", attendees.retry_emails,
         name="retry_emails"),
    path("accueil/<str:code>/", attendees.scan, name="scan"),
    path("billet/<str:token>/attestation/", views.certificate, name="certificate"),
]
