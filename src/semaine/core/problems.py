"""RFC 9457 problem details: the one shape of every error the machine-readable endpoints give
(the API, the ledger's files, the map's data, the statistics' CSV)."""

import json

from django.core.exceptions import ValidationError
from django.http import HttpResponse

PROBLEM_TYPE = "application/problem+json"


def problem(request, status: int, title: str, detail: str, errors: list[dict] | None = None, *,
            headers: dict | None = None, **extra) -> HttpResponse:
    """An RFC 9457 problem details answer; ``errors`` (one ``{"field", "location", "detail"}``
    per wrong input) is added when there are some, ``headers`` are set on the answer."""
    if errors:
        extra = {"errors": errors, **extra}
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.get_full_path(), **extra}
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                            content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def validation_errors(error: ValidationError) -> list[dict]:
    """The ``errors`` of a problem from a service's ValidationError (fields of the body)."""
    if hasattr(error, "error_dict"):
        return [{"field": "" if name == "__all__" else name, "location": "body", "detail": message}
                for name, messages in error.message_dict.items() for message in messages]
    return [{"field": "", "location": "body", "detail": message} for message in error.messages]
