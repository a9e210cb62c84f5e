import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")

from semaine.core.cache import AsgiAnonymousPageCache  # noqa: E402 - needs the settings above

application = AsgiAnonymousPageCache(get_asgi_application())
