from django.urls import path

from . import editions, views

app_name = "coordination"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("evenements/<int:pk>/", views.review, name="review"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/decision/", views.organisation_decision,
         name="organisation_decision"),
    path("soumissions/rouvrir/", views.reopen, name="reopen"),
    path("editions/", editions.editions, name="editions"),
    path("editions/nouvelle/", editions.edition_create, name="edition_create"),
    path("editions/<slug:slug>/", editions.edition, name="edition"),
    path("editions/<slug:slug>/fermer/", editions.edition_close, name="edition_close"),
    path("editions/<slug:slug>/en-cours/", editions.edition_current, name="edition_current"),
]
