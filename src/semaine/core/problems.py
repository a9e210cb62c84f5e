"""RFC 9457 problem details: the one shape of every error the machine-readable endpoints give."""

import json

from django.http import HttpResponse

PROBLEM_TYPE = "application/problem+json"


def problem(request, status: int, title: str, detail: str, **extra) -> HttpResponse:
    """An RFC 9457 problem details answer."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.get_full_path(), **extra}
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                        content_type=PROBLEM_TYPE)
