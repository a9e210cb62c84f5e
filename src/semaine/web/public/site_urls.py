from django.urls import path

from . import components as showcase
from . import site as views

app_name = "ui"
urlpatterns = [
    path("", views.home, name="home"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("langue/<str:code>/", views.switch_language, name="language"),
    path("mentions-legales/", views.legal, name="legal"),
    path("ui/composants/", showcase.components, name="components"),
]
