import json
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django import template
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from semaine.ui.dates import format_date
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
            format_date(start, "l j F Y"),
            formats.time_format(start, "H:i"),
            formats.time_format(end, "H:i"),
        )
    return "{} {} – {} {}".format(
        format_date(start, "l j F Y"),
        formats.time_format(start, "H:i"),
        format_date(end, "l j F Y"),
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


@register.filter
def webcal(url):
    """The ``webcal:`` twin of a calendar feed's address (RFC 5545 clients subscribe to it):
    « https://host/path.ics » → « webcal://host/path.ics »."""
    text = str(url)
    for scheme in ("https://", "http://"):
        if text.startswith(scheme):
            return "webcal://" + text[len(scheme):]
    return text


@register.filter
def split_words(value):
    return str(value).split()


@register.filter
def jsonld(value):
    """A <script type="application/ld+json"> element, escaped against breaking out of it."""

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def query_string_with_day(query_string, day):
    query = QueryDict(query_string, mutable=True)
    query["jour"] = day.isoformat()
    return query.urlencode()


@register.simple_tag
def query_string_without_day(query_string):
    query = QueryDict(query_string, mutable=True)
    query.pop("jour", None)
    return query.urlencode()


@register.filter(expects_localtime=True, is_safe=False)
def long_date(value, arg):
    """The ``date`` filter, with « 1er » for the first of the month in French (« samedi 1er
    décembre 2026 »)."""
    if value in (None, ""):
        return ""
    try:
        return format_date(value, arg)
    except AttributeError:
        return ""
