"""The API object: routers, problem details for every error, OpenAPI 3.1 and its docs page."""

from ninja import NinjaAPI

from . import errors, organiser, public

api = NinjaAPI(
    title="Semaine de l’innovation publique — API",
    version="1",
    description=(
        "Données publiques du programme (éditions, événements publiés et leurs créneaux, "
        "organisations, programmes, listes de référence, territoires) et écriture pour les "
        "organisateurs avec un jeton d’API de leur organisation (espace organisateur, « Jetons "
        "d’API »). Erreurs : RFC 9457 (`application/problem+json`). Pagination par curseur "
        "(`next_cursor`). Synchronisation : `updated_since` et `/events/removed`."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/", public.router)
api.add_router("/organiser", organiser.router)
