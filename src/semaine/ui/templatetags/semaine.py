from zoneinfo import ZoneInfo

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from semaine.ui.markdown import render_markdown

register = template.Library()
PARIS = ZoneInfo("Europe/Paris")


@register.filter(name="markdown")
def markdown_filter(text):
    # The output of render_markdown is sanitised by nh3 against an allow-list.
    return mark_safe(render_markdown(text))  # noqa: S308


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
