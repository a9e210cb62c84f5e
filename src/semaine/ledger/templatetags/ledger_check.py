"""What the in-browser check needs to read a page as a visitor does: the words the page uses for
the recorded codes, the sentences it builds from recorded numbers and the names of the fields it
reports, as the domain of the recorded thing registered them (``subjects``). They come from the
platform's code and catalogue, never from the recorded rows."""

import json
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from semaine.ledger import subjects

register = template.Library()

PARIS = ZoneInfo("Europe/Paris")


@register.filter
def kind_label(kind: str) -> str:
    """« Événement publié » for ``event.published``: an entry's kind in words."""
    return subjects.kind_label(kind)


@register.simple_tag
def ledger_display_labels(subject: str) -> str:
    registered = subjects.of(subject)
    return json.dumps(registered.page_labels() if registered else {}, ensure_ascii=False)


@register.inclusion_tag("ledger/_time.html")
def paris_time(moment, format: str = "j F Y H:i:s", says_zone: bool = True):
    """A moment of the register in Paris time, whatever zone is active, as a ``<time>`` whose
    ``datetime`` is ISO 8601 with its offset (« 2026-07-01T09:30:05+02:00 »); followed by
    « (heure de Paris) » unless the column's heading says so."""
    local = timezone.localtime(moment, PARIS) if moment else None
    return {"local": local, "iso": local.replace(microsecond=0).isoformat() if local else "",
            "format": format, "says_zone": says_zone}
