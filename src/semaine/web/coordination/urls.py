from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("evenements/<int:pk>/", views.review, name="review"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/decision/", views.organisation_decision,
         name="organisation_decision"),
    path("soumissions/rouvrir/", views.reopen, name="reopen"),
]
