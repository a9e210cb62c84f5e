from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from semaine.agenda.models import EventStatus
from semaine.territory.codes import departement_code
from semaine.ui.markdown import render_markdown

register = template.Library()
PARIS = ZoneInfo("Europe/Paris")


@register.filter(name="markdown")
def markdown_filter(text):
    # The output of render_markdown is sanitised by nh3 against an allow-list.
    return mark_safe(render_markdown(text))  # noqa: S308


@register.filter
def map_host(url):
    """The host name of a tile server's URL template (``data.geopf.fr``)."""
    return urlsplit(str(url or "").replace("{s}", "a")).hostname or ""


@register.filter
def paris(value):
    """A datetime shown in Europe/Paris, whatever the visitor's settings."""
    if not value:
        return value
    return timezone.localtime(value, PARIS)


@register.simple_tag
def slot_range(slot):
    """« mardi 21 novembre 2017, 9 h 30 – 12 h 00 » or a span over several days."""
    start, end = timezone.localtime(slot.starts_at, PARIS), timezone.localtime(slot.ends_at, PARIS)
    if start.date() == end.date():
        return "{}, {} – {}".format(
            formats.date_format(start, "l j F Y"),
            formats.time_format(start, "H:i"),
            formats.time_format(end, "H:i"),
        )
    return "{} {} – {} {}".format(
        formats.date_format(start, "l j F Y"),
        formats.time_format(start, "H:i"),
        formats.date_format(end, "l j F Y"),
        formats.time_format(end, "H:i"),
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (pagination, filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def query_without(params, param, value=None):
    """The query string without one filter (one value of it, or all its values), from page 1."""
    from semaine.agenda.search import COMPANION_PARAMS

    query = params.copy()
    query.pop("page", None)
    for name in COMPANION_PARAMS.get(param, (param,)):
        if value in (None, "") or name != param:
            query.pop(name, None)
        else:
            query.setlist(name, [v for v in query.getlist(name) if v != value])
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def options(choices):
    """``<option>`` elements from (value, label, selected) triples: a hundred départements
    render here in a fraction of what a template loop costs."""
    selected = mark_safe(" selected")
    return format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((value, selected if chosen else "", label) for value, label, chosen in choices),
    )


@register.simple_tag
def checkboxes(name, items, legend="", inline=False):
    """The DSFR checkboxes of one filter from (value, label, checked) triples, in a fieldset
    when a legend is given: tens of boxes render here in a fraction of a template loop."""
    element = "fr-fieldset__element fr-fieldset__element--inline" if inline else "fr-fieldset__element"
    boxes = format_html_join(
        "",
        '<div class="{0}"><div class="fr-checkbox-group fr-checkbox-group--sm">'
        '<input type="checkbox" id="f-{1}-{2}" name="{1}" value="{2}"{3}>'
        '<label class="fr-label" for="f-{1}-{2}">{4}</label></div></div>',
        ((element, name, value, mark_safe(" checked") if checked else "", label)
         for value, label, checked in items),
    )
    if not legend:
        return boxes
    return format_html('<fieldset class="fr-fieldset"><legend class="fr-fieldset__legend fr-text--regular">'
                       "{}</legend>{}</fieldset>", legend, boxes)


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
        starts = formats.date_format(paris(event.first_starts_at), "l j F Y, H:i")
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


@register.filter
def split_words(value):
    return str(value).split()


@register.filter
def jsonld(value):
    """A <script type="application/ld+json"> element, escaped against breaking out of it."""
    import json

    from django.utils.html import format_html

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def query_string_with_day(query_string, day):
    from django.http import QueryDict

    query = QueryDict(query_string, mutable=True)
    query["jour"] = day.isoformat()
    return query.urlencode()


@register.simple_tag
def query_string_without_day(query_string):
    from django.http import QueryDict

    query = QueryDict(query_string, mutable=True)
    query.pop("jour", None)
    return query.urlencode()
