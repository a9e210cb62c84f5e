"""The baseline: a minimal Django view, no middleware, no database, served the same way."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
    )


def hello(request):
    return HttpResponse("Bonjour", content_type="text/plain")


urlpatterns = [path("", hello)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "")
application = get_wsgi_application()
