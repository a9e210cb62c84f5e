import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")

from semaine.core.cache import AnonymousPageCache  # noqa: E402 - needs the settings above

application = AnonymousPageCache(get_wsgi_application())
