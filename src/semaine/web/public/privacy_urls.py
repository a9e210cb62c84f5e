from django.urls import path

from . import privacy as views

app_name = "privacy"
urlpatterns = [
    path("", views.request_link, name="request"),
    path("<str:token>/", views.my_data, name="my_data"),
    path("<str:token>/export.json", views.export, name="export"),
    path("<str:token>/effacer/", views.erase, name="erase"),
]
