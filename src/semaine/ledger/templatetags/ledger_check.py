"""What the in-browser check needs to read a page as a visitor does: the words the page uses for
the recorded codes, the sentences it builds from recorded numbers and the names of the fields it
reports, as the domain of the recorded thing registered them (``subjects``). They come from the
platform's code and catalogue, never from the recorded rows."""

import json

from django import template

from semaine.ledger import subjects

register = template.Library()


@register.filter
def kind_label(kind: str) -> str:
    """« Événement publié » for ``event.published``: an entry's kind in words."""
    return subjects.kind_label(kind)


@register.simple_tag
def ledger_display_labels(subject: str) -> str:
    registered = subjects.of(subject)
    return json.dumps(registered.page_labels() if registered else {}, ensure_ascii=False)
