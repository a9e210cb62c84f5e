"""The API object: routers, problem details for every error, OpenAPI 3.1 and its docs page."""

from ninja import NinjaAPI

from semaine.core.problems import PROBLEM_TYPE

from . import errors, organiser, public


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """``semaine_opendata_api_<router>_<view>``: the operation ids clients were generated
        with, named after the package the API first lived in, kept as they are."""
        module = operation.view_func.__module__.rsplit(".", 1)[-1]
        return f"semaine_opendata_api_{module}_{operation.view_func.__name__}"

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Error answers are declared as ``application/problem+json``, as they are sent."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema["paths"].values():
            for operation in methods.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        answer["content"] = {PROBLEM_TYPE: content["application/json"]}
        return schema


api = Api(
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
