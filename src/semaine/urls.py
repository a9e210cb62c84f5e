from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from semaine.api import views as api_views
from semaine.api.main import api
from semaine.web.public import site as ui_views

urlpatterns = [
    path("healthz", ui_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/<path:rest>", api_views.not_found, name="api_not_found"),
    path("compte/", include("semaine.web.account.urls")),
    path("espace/", include("semaine.web.organiser.urls")),
    path("coordination/", include("semaine.web.coordination.urls")),
    path("inscriptions/", include("semaine.web.public.registrations_urls")),
    path("hackathons/", include("semaine.web.public.hackathons_urls")),
    path("participer/", include("semaine.web.public.consultations_urls")),
    path("mes-donnees/", include("semaine.web.public.privacy_urls")),
    path("", include("semaine.ledger.urls")),
    path("", include("semaine.web.public.site_urls")),
    path("", include("semaine.web.public.opendata_urls")),
    path("", include("semaine.web.public.agenda_urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler403 = "semaine.web.public.site.permission_denied"
handler404 = "semaine.web.public.site.page_not_found"
handler500 = "semaine.web.public.site.server_error"
