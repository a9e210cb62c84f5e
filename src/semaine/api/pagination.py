"""Cursor pagination: keyset on a fixed order, so that inserts never shift a page.

A cursor is opaque to clients: the last row's sort key, signed (a forged or stale cursor is
refused with 400, never a 500). The next page holds the rows strictly after that key.
"""

from datetime import datetime

from django.core import signing
from django.db.models import F, Q
from django.utils.translation import gettext as _

from .errors import bad_parameters

#: Signs the cursors; its value predates the package's name and stays, so that the cursors given
#: out keep working.
SALT = "semaine.opendata.api.cursor"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def _encode_value(value):
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


def _decode_value(value):
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    return value


def encode(kind: str, values) -> str:
    return signing.dumps([kind, [_encode_value(v) for v in values]], salt=SALT, compress=True)


def decode(cursor: str, kind: str, length: int) -> list:
    try:
        found, values = signing.loads(cursor, salt=SALT)
        if found != kind or len(values) != length:
            raise ValueError
        return [_decode_value(v) for v in values]
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        raise bad_parameters(
            [{"field": "cursor", "location": "query",
              "detail": _("Ce curseur n’est pas valide pour cette liste.")}]
        ) from None


def _after(fields: list[tuple[str, bool]], values: list) -> Q:
    """Rows strictly after ``values`` in the order of ``fields`` (ascending; a nullable field
    sorts its NULLs last)."""
    condition = Q(pk__in=[])
    equal = Q()
    for (name, nullable), value in zip(fields, values, strict=True):
        if value is None:
            # Only NULLs follow a NULL: the rest of the key decides among them.
            step = Q(pk__in=[])
            same = Q(**{f"{name}__isnull": True})
        else:
            step = Q(**{f"{name}__gt": value})
            if nullable:
                step |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal & step
        equal &= same
    return condition


def page(queryset, *, kind: str, fields: list[tuple[str, bool]], cursor: str | None,
         limit: int, load=None) -> tuple[list, str | None]:
    """One page of ``queryset`` in the order of ``fields``, and the cursor of the next page.

    With ``load(keys) -> {pk: row}``, the page's keys are read first and only its rows are then
    loaded with what they carry: the joins run for the rows of the page, not for every row the
    database reads before it finds them."""
    order = [F(name).asc(nulls_last=True) if nullable else F(name).asc() for name, nullable in fields]
    queryset = queryset.order_by(*order)
    if cursor:
        queryset = queryset.filter(_after(fields, decode(cursor, kind, len(fields))))
    names = [name for name, _nullable in fields]
    if load is None:
        rows = list(queryset[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        last = [_attr(rows[-1], name) for name in names] if rows else None
    else:
        # the cursor is made of what the keys' query read: a row changed or deleted before it
        # is loaded moves nothing past the page, and never ends the list early
        keys = list(queryset.values_list("pk", *names)[: limit + 1])
        more = len(keys) > limit
        keys = keys[:limit]
        loaded = load([key[0] for key in keys])
        rows = [loaded[key[0]] for key in keys if key[0] in loaded]
        last = list(keys[-1][1:]) if keys else None
    return rows, encode(kind, last) if more and last is not None else None


def _attr(row, name: str):
    value = row
    for part in name.split("__"):
        value = getattr(value, part)
    if hasattr(value, "pk"):
        value = value.pk
    return value
