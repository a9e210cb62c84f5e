from django.conf import settings


def site(request):
    user = getattr(request, "user", None)
    coordinator = bool(
        user and user.is_authenticated and (user.is_superuser or user.coordinations.exists())
    )
    return {
        "SEMAINE_THEME": settings.THEME,
        "SEMAINE_BASE_TEMPLATE": f"ui/themes/{settings.THEME}/base.html",
        "SITE_NAME": "Semaine de l'innovation publique",
        "is_coordinator_nav": coordinator,
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
    }
