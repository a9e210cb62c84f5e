"""The agenda's pieces of page drawn in Python for speed: an event's card and status badge, and
the query string without one of the agenda's filters (``{% load events %}``). They read the
agenda's models, so they live with the pages, above the design system."""

from django import template
from django.utils.html import format_html, format_html_join

from semaine.agenda.models import EventStatus
from semaine.agenda.search import COMPANION_PARAMS
from semaine.territory.codes import departement_code
from semaine.ui.dates import format_date
from semaine.ui.templatetags.semaine import paris

register = template.Library()


@register.simple_tag
def query_without(params, param, value=None):
    """The query string without one filter (one value of it, or all its values), from page 1."""
    query = params.copy()
    query.pop("page", None)
    for name in COMPANION_PARAMS.get(param, (param,)):
        if value in (None, "") or name != param:
            query.pop(name, None)
        else:
            query.setlist(name, [v for v in query.getlist(name) if v != value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


_STATUS_BADGES = {EventStatus.CANCELLED: "fr-badge--error", EventStatus.FULL: "fr-badge--warning"}


@register.simple_tag
def event_status_badge(event):
    """What visitors are told of an event's status (postponed, full…) as a DSFR badge; nothing
    while it is simply scheduled."""
    if event.status == EventStatus.SCHEDULED:
        return ""
    return format_html('<p class="fr-badge fr-badge--sm {}">{}</p>',
                       _STATUS_BADGES.get(event.status, "fr-badge--new"), event.get_status_display())


def _card_place(event) -> str:
    """« Nantes (44) », « Pointe-à-Pitre (971) », or how to attend when there is no venue."""
    venue = event.venue
    if not venue:
        return str(event.get_attendance_mode_display())
    code = departement_code(venue.postcode)
    return f"{venue.commune} ({code})" if code else venue.commune


@register.simple_tag
def event_card(event):
    """An event's DSFR card, as lists, home pages and programmes show it (built here: the same
    card included twenty times by a template was most of a list page's rendering time)."""
    starts = ""
    if event.first_starts_at:
        starts = format_date(paris(event.first_starts_at), "l j F Y, H:i")
    tags = format_html_join("", '<li><p class="fr-tag fr-tag--sm">{}</p></li>',
                            ((f.name,) for f in event.formats.all()))
    return format_html(
        '<div class="fr-card fr-enlarge-link fr-card--horizontal semaine-event-card">'
        '<div class="fr-card__body"><div class="fr-card__content">'
        '<h3 class="fr-card__title"><a href="{}">{}</a></h3>'
        '<p class="fr-card__desc">{}</p>'
        '<div class="fr-card__start"><ul class="fr-tags-group">{}</ul>{}</div>'
        '<div class="fr-card__end">'
        '<p class="fr-card__detail fr-icon-calendar-line">{}</p>'
        '<p class="fr-card__detail fr-icon-map-pin-2-line">{} · {}</p>'
        "</div></div></div></div>",
        event.get_absolute_url(), event.title, event.summary, tags, event_status_badge(event),
        starts, _card_place(event), event.organisation.name,
    )
