from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path("mes-inscriptions/", views.mine, name="mine"),
    path("evenements/<uuid:public_id>/", views.register, name="register"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("billet/<str:token>/", views.manage, name="manage"),
    path("billet/<str:token>/annuler/", views.cancel, name="cancel"),
    path("place-liberee/<str:token>/", views.accept, name="accept"),
    path("organisateur/evenements/<int:pk>/", views.attendees, name="attendees"),
    path("organisateur/inscriptions/<int:pk>/pointer/", views.check_in, name="check_in"),
    path("organisateur/evenements/<int:pk>/accueil/", views.desk, name="desk"),
    path("organisateur/evenements/<int:pk>/questions/", views.questions, name="questions"),
    path("organisateur/evenements/<int:pk>/message/", views.message, name="message"),
    path("organisateur/evenements/<int:pk>/courriels/reessayer/", views.retry_emails,
         name="retry_emails"),
    path("accueil/<str:code>/", views.scan, name="scan"),
    path("billet/<str:token>/attestation/", views.certificate, name="certificate"),
]
