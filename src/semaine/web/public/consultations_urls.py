from django.urls import path

from semaine.web.organiser import consultations as organiser
from semaine.web.public import consultations as views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisateur/", organiser.mine, name="mine"),
    path("organisateur/<slug:organisation>/nouvelle/", organiser.create, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/proposer/", views.propose, name="propose"),
    path("<slug:slug>/commenter/", views.debate, name="debate"),
    path("<slug:slug>/synthese/", views.synthesis, name="synthesis"),
    path("<slug:slug>/propositions/<int:pk>/", views.proposal, name="proposal"),
    path("<slug:slug>/propositions/<int:pk>/modifier/", views.edit, name="edit_proposal"),
    path("<slug:slug>/propositions/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("<slug:slug>/propositions/<int:pk>/soutenir/", views.support, name="support"),
    path("<slug:slug>/propositions/<int:pk>/commenter/", views.comment, name="comment"),
    path("<slug:slug>/commentaires/<int:comment_pk>/signaler/", views.report, name="report"),
    path("<slug:slug>/organisateur/modifier/", organiser.edit, name="edit"),
    path("<slug:slug>/organisateur/atelier/", organiser.workshop_proposal, name="workshop_proposal"),
    path("<slug:slug>/organisateur/moderation/", organiser.moderation, name="moderation"),
    path("<slug:slug>/organisateur/commentaires/<int:pk>/masquer/", organiser.hide, name="hide"),
    path("<slug:slug>/organisateur/reponses/", organiser.answers, name="answers"),
    path("<slug:slug>/organisateur/reponses/<int:pk>/", organiser.answer, name="answer"),
    path("<slug:slug>/organisateur/clore-soutiens/", organiser.close_supports,
         name="close_supports"),
]
