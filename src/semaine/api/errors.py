"""Every error of the API as RFC 9457 problem details (``application/problem+json``)."""

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from semaine.agenda.services import TransitionError
from semaine.core.problems import problem, validation_errors


class ApiProblem(Exception):
    """Raised by the API's own code: answered as a problem with this status."""

    def __init__(self, status: int, title: str, detail: str, errors=None, headers=None):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers = errors, headers or {}


def bad_parameters(errors: list[dict]) -> ApiProblem:
    return ApiProblem(
        400, _("Paramètres invalides"),
        _("Un ou plusieurs paramètres de la requête sont inconnus ou mal formés."), errors,
    )


#: The views' argument names that hold a schema (left out of the field names).
VIEW_ARGUMENTS = {"query", "payload"}


def _location(loc) -> tuple[str, str]:
    """('body', 'slots.0.starts_at') from pydantic's ('body', 'payload', 'slots', 0, 'starts_at')."""
    parts = [str(part) for part in loc]
    where = parts[0] if parts else ""
    rest = parts[1:]
    if len(rest) > 1 and rest[0] in VIEW_ARGUMENTS:
        rest = rest[1:]  # the name of the view's argument
    return where, ".".join(rest)


def on_validation_error(request, exc: NinjaValidationError):
    errors, in_body = [], False
    for error in exc.errors:
        where, name = _location(error.get("loc", ()))
        in_body = in_body or where == "body"
        errors.append({"field": name, "location": where, "detail": error.get("msg", "")})
    if in_body:
        return problem(request, 422, _("Données invalides"),
                        _("Le contenu envoyé ne respecte pas le schéma attendu."), errors)
    return problem(request, 400, _("Paramètres invalides"),
                    _("Un ou plusieurs paramètres de la requête sont inconnus ou mal formés."), errors)


def on_http_error(request, exc: HttpError):
    if isinstance(exc, Throttled):
        return problem(request, 429, _("Trop de requêtes"),
                        _("Ce jeton a dépassé le nombre de requêtes permis : réessayez plus tard."))
    if isinstance(exc, AuthenticationError):
        return problem(request, 401, _("Authentification requise"),
                        _("Envoyez un jeton d’API valide dans l’en-tête « Authorization: Bearer … »."),
                        headers={"WWW-Authenticate": 'Bearer realm="api"'})
    if exc.status_code == 400:
        return problem(request, 400, _("Requête mal formée"),
                        _("Le corps de la requête n’est pas du JSON valide."))
    return problem(request, exc.status_code, str(exc), str(exc))


def on_problem(request, exc: ApiProblem):
    return problem(request, exc.status, exc.title, exc.detail, exc.errors, headers=exc.headers)


def on_not_found(request, exc):
    return problem(request, 404, _("Introuvable"), _("Cette ressource n’existe pas ou n’est pas publique."))


def on_permission_denied(request, exc: PermissionDenied):
    return problem(request, 403, _("Action refusée"), str(exc) or _("Ce jeton ne permet pas cette action."))


def on_service_validation(request, exc: DjangoValidationError):
    errors = validation_errors(exc)
    if isinstance(exc, TransitionError):
        return problem(request, 409, _("Action impossible dans cet état"),
                        " ".join(e["detail"] for e in errors))
    return problem(request, 422, _("Données invalides"), " ".join(e["detail"] for e in errors), errors)


def on_too_big(request, exc):
    return problem(request, 413, _("Requête trop volumineuse"),
                    _("Le corps de la requête dépasse la taille permise."))


def on_unexpected(request, exc):
    """A last resort: an unexpected failure is still a problem document (and is logged)."""
    logging.getLogger("django.request").exception("API error", exc_info=exc)
    return problem(request, 500, _("Erreur interne"), _("Une erreur inattendue est survenue."))


def install(api) -> None:
    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ApiProblem, on_problem)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(DjangoValidationError, on_service_validation)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
