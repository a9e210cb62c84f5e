"""Every error of the API as RFC 9457 problem details (``application/problem+json``)."""

import logging
import typing

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic_core.core_schema import ErrorType

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


#: the error types pydantic itself raises (its messages are in English); any other type is one of
#: ours (``PydanticCustomError``), whose message is already French
PYDANTIC_TYPES = frozenset(typing.get_args(ErrorType))


def _number(value) -> int:
    """The count that chooses a plural form (pydantic's limits are numbers)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 2


def _limit(message: str, n) -> str:
    return message % {"n": n}


def _messages() -> dict:
    """French messages of the common pydantic error types, by type; a function of the error's
    ``ctx`` (the limits pydantic checked against)."""
    return {
        "missing": lambda c: _("Ce champ est obligatoire."),
        "extra_forbidden": lambda c: _("Ce champ n’existe pas."),
        "json_invalid": lambda c: _("Le corps de la requête n’est pas du JSON valide."),
        "string_type": lambda c: _("Une chaîne de caractères est attendue."),
        "string_too_short": lambda c: _limit(ngettext("Au moins %(n)s caractère.",
                                                      "Au moins %(n)s caractères.",
                                              _number(c.get("min_length"))), c.get("min_length")),
        "string_too_long": lambda c: _limit(ngettext("Au plus %(n)s caractère.", "Au plus %(n)s caractères.",
                                              _number(c.get("max_length"))), c.get("max_length")),
        "string_pattern_mismatch": lambda c: _("Cette valeur n’a pas la forme attendue."),
        "too_short": lambda c: _limit(ngettext("Au moins %(n)s élément.", "Au moins %(n)s éléments.",
                                              _number(c.get("min_length"))), c.get("min_length")),
        "too_long": lambda c: _limit(ngettext("Au plus %(n)s élément.", "Au plus %(n)s éléments.",
                                              _number(c.get("max_length"))), c.get("max_length")),
        "int_type": lambda c: _("Un nombre entier est attendu."),
        "int_parsing": lambda c: _("Un nombre entier est attendu."),
        "int_from_float": lambda c: _("Un nombre entier est attendu."),
        "float_type": lambda c: _("Un nombre est attendu."),
        "float_parsing": lambda c: _("Un nombre est attendu."),
        "decimal_parsing": lambda c: _("Un nombre est attendu."),
        "bool_type": lambda c: _("Une valeur booléenne (true ou false) est attendue."),
        "bool_parsing": lambda c: _("Une valeur booléenne (true ou false) est attendue."),
        "greater_than": lambda c: _("La valeur doit être supérieure à %(n)s.") % {"n": c.get("gt")},
        "greater_than_equal": lambda c: _("La valeur doit être au moins %(n)s.") % {"n": c.get("ge")},
        "less_than": lambda c: _("La valeur doit être inférieure à %(n)s.") % {"n": c.get("lt")},
        "less_than_equal": lambda c: _("La valeur doit être au plus %(n)s.") % {"n": c.get("le")},
        "literal_error": lambda c: _("Valeur inconnue : choisissez parmi %(choices)s.")
        % {"choices": c.get("expected", "")},
        "enum": lambda c: _("Valeur inconnue : choisissez parmi %(choices)s.")
        % {"choices": c.get("expected", "")},
        "list_type": lambda c: _("Une liste est attendue."),
        "dict_type": lambda c: _("Un objet JSON est attendu."),
        "model_type": lambda c: _("Un objet JSON est attendu."),
        "model_attributes_type": lambda c: _("Un objet JSON est attendu."),
        "date_type": lambda c: _("Indiquez un jour au format AAAA-MM-JJ."),
        "date_parsing": lambda c: _("Indiquez un jour au format AAAA-MM-JJ."),
        "date_from_datetime_parsing": lambda c: _("Indiquez un jour au format AAAA-MM-JJ."),
        "date_from_datetime_inexact": lambda c: _("Indiquez un jour au format AAAA-MM-JJ."),
        "datetime_type": lambda c: _("Indiquez une date et une heure au format ISO 8601 "
                                     "(AAAA-MM-JJTHH:MM:SS+01:00)."),
        "datetime_parsing": lambda c: _("Indiquez une date et une heure au format ISO 8601 "
                                        "(AAAA-MM-JJTHH:MM:SS+01:00)."),
        "datetime_from_date_parsing": lambda c: _("Indiquez une date et une heure au format ISO 8601 "
                                                  "(AAAA-MM-JJTHH:MM:SS+01:00)."),
        "timezone_aware": lambda c: _("Indiquez le décalage horaire (par exemple +01:00)."),
        "timezone_naive": lambda c: _("N’indiquez pas de décalage horaire."),
        "uuid_type": lambda c: _("Un identifiant UUID est attendu."),
        "uuid_parsing": lambda c: _("Un identifiant UUID est attendu."),
        "url_type": lambda c: _("Une adresse web est attendue."),
        "url_parsing": lambda c: _("Cette adresse web n’est pas valide."),
        "url_scheme": lambda c: _("Cette adresse web doit commencer par http:// ou https://."),
        "url_too_long": lambda c: _("Cette adresse web est trop longue."),
        "none_required": lambda c: _("Ce champ doit être vide (null)."),
    }


def french_detail(error: dict) -> str:
    """An error of pydantic in French: ours as written, pydantic's own from its type (a type
    without a French message, a library's ``ValueError`` among them, says the value is invalid)."""
    kind = error.get("type", "")
    if kind not in PYDANTIC_TYPES:
        return str(error.get("msg", ""))  # raised by our validators, already in French
    translate = _messages().get(kind)
    return translate(error.get("ctx") or {}) if translate else _("Cette valeur n’est pas valide.")


def on_validation_error(request, exc: NinjaValidationError):
    errors, in_body = [], False
    for error in exc.errors:
        where, name = _location(error.get("loc", ()))
        in_body = in_body or where == "body"
        errors.append({"field": name, "location": where, "detail": french_detail(error)})
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
