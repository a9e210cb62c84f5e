"""Downloads of an edition's programme (CSV, JSON-LD, GeoJSON), their descriptions (Table Schema,
Data Package) and the « Données ouvertes » page that lists them.

The three exports take the agenda's filters (``search.parse_filters``: unknown values are
ignored, as by the calendar feeds) and are streamed: the events are read in chunks while the
response is sent. They answer conditional requests with 304 from validators computed before the
first row is read (the number of matching events and slots, the latest change, the content
generation of ``ui.cache``; kept in the shared cache for that generation), so a client that
has the current file costs a few small queries and no count over the events.
Streamed bodies are not kept in the page cache (``ui.cache`` stores whole pages only); the small
documents (schema, data package, the page) are.
"""

import hashlib
import json

from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.views.decorators.http import require_safe

from semaine.agenda import queries, search
from semaine.agenda.geo import GEOJSON_TYPE
from semaine.agenda.links import event_url_builder
from semaine.agenda.models import Edition, paris_isoformat
from semaine.agenda.queries import edition_or_404
from semaine.ui import cache as page_cache

from . import exports
from .views import CACHE_TIMEOUT, MAX_FEED_EVENTS, _clean_params, feed

CSV_TYPE = "text/csv; charset=utf-8"
JSONLD_TYPE = "application/ld+json"
JSON_TYPE = "application/json"
#: URL names of the exports (under ``opendata:``) → file name in the data package.
FILES = {
    "csv": "evenements.csv",
    "jsonld": "evenements.jsonld",
    "geojson": "evenements.geojson",
    "schema": "schema.json",
    "datapackage": "datapackage.json",
}


def _selection(request, edition: Edition):
    filters = search.parse_filters(_clean_params(request.GET), edition=edition)  # notices dropped
    return exports.events(edition, filters)


def _validators(request, kind: str, summary: exports.Summary) -> tuple[str, str | None]:
    """The ETag and Last-Modified of an export, before any row is read."""
    parts = [
        exports.FORMAT_VERSION, kind, request.build_absolute_uri(request.path),
        _clean_params(request.GET).urlencode(), str(summary.events), str(summary.slots),
        summary.last_modified.isoformat() if summary.last_modified else "",
        str(page_cache.generation()),
    ]
    etag = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    modified = http_date(summary.last_modified.timestamp()) if summary.last_modified else None
    return quote_etag(etag), modified


def _summary(edition: Edition, queryset, *, request=None, located: bool = False) -> exports.Summary:
    """The size and latest change of the edition's published events (those the filters of
    ``request`` select, when given; those with a place on a map, when ``located``), kept in the
    shared cache for this content generation: the page, the data package and the exports share
    it, and a conditional request costs no count over the edition's events."""
    params = _clean_params(request.GET).urlencode() if request is not None else ""
    raw = f"{page_cache.generation()}\n{edition.pk}\n{located}\n{params}"
    key = "semaine:export-summary:" + hashlib.sha256(raw.encode()).hexdigest()
    summary = cache.get(key)
    if summary is None:
        summary = exports.summarise(queryset)
        cache.set(key, summary, CACHE_TIMEOUT)
    return summary


def _streamed(request, kind: str, body, summary, *, content_type: str, filename: str,
              attachment: bool) -> StreamingHttpResponse:
    if request.method == "HEAD":
        body = iter(())
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["ETag"], last_modified = _validators(request, kind, summary)
    if last_modified:
        response["Last-Modified"] = last_modified
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _filename(edition: Edition, kind: str) -> str:
    return f"{edition.slug}-{FILES[kind]}"


@feed
def csv_export(request, edition):
    """One row per slot of the matching published events."""
    edition = edition_or_404(edition)
    queryset = _selection(request, edition)
    url = event_url_builder(request, edition)
    body = exports.pieces(exports.csv_lines(exports.records(exports.iterate(queryset), url)))
    return _streamed(request, "csv", body, _summary(edition, queryset, request=request),
                     content_type=CSV_TYPE, filename=_filename(edition, "csv"), attachment=True)


@feed
def jsonld_export(request, edition):
    """One schema.org Event per slot of the matching published events, in one ``@graph``."""
    edition = edition_or_404(edition)
    queryset = _selection(request, edition)
    url = event_url_builder(request, edition)
    body = exports.pieces(exports.jsonld_parts(
        exports.iterate(queryset), url, site_root=request.build_absolute_uri("/")[:-1],
        document_url=request.build_absolute_uri(), name=edition.name,
    ))
    summary = _summary(edition, queryset, request=request)
    return _streamed(request, "jsonld", body, summary, content_type=JSONLD_TYPE,
                     filename=_filename(edition, "jsonld"), attachment=False)


@feed
def geojson_export(request, edition):
    """One Point per slot of the matching published events whose venue has coordinates."""
    edition = edition_or_404(edition)
    queryset = exports.located(_selection(request, edition))
    url = event_url_builder(request, edition)
    body = exports.pieces(exports.geojson_parts(exports.records(exports.iterate(queryset), url)))
    summary = _summary(edition, queryset, request=request, located=True)
    return _streamed(request, "geojson", body, summary, content_type=GEOJSON_TYPE,
                     filename=_filename(edition, "geojson"), attachment=False)


def _json(document: dict, content_type: str = JSON_TYPE):
    content = json.dumps(document, ensure_ascii=False, indent=2).encode()
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["ETag"] = quote_etag(hashlib.sha256(content).hexdigest())
    return response


@feed
def schema(request, edition):
    """The Table Schema of the CSV (the same for every edition)."""
    edition_or_404(edition)
    return _json(exports.table_schema())


def _published(edition: Edition):
    return exports.events(edition, search.EventFilters())


def data_package(request, edition: Edition, summary: exports.Summary) -> dict:
    """The Data Package (v1) describing the edition's exports; paths relative to it."""
    page = request.build_absolute_uri(reverse("opendata:edition", kwargs={"edition": edition.slug}))
    common = {"encoding": "utf-8", "licenses": [exports.LICENCE]}
    return {
        "profile": "data-package",
        "name": f"semaine-innovation-publique-{edition.slug}".lower(),
        "id": page,
        "title": f"Programme — {edition.name}",
        "description": (
            f"Les événements publiés de l’édition « {edition.name} » "
            f"({edition.starts_on.isoformat()} – {edition.ends_on.isoformat()}), un enregistrement "
            "par créneau : dates, lieu, organisateur, thèmes, formats, publics, inscription, "
            "accessibilité. Les événements annulés restent, marqués « annule »."
        ),
        "homepage": page,
        "keywords": ["innovation publique", "événements", "agenda", edition.slug],
        "licenses": [exports.LICENCE],
        "last_modified": paris_isoformat(summary.last_modified),
        "resources": [
            {
                "name": "evenements",
                "path": FILES["csv"],
                "title": "Événements (CSV, un créneau par ligne)",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": FILES["schema"],
                "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True,
                            "lineTerminator": "\r\n", "header": True},
                **common,
            },
            {
                "name": "evenements-geojson",
                "path": FILES["geojson"],
                "title": "Événements localisés (GeoJSON, RFC 7946)",
                "description": "Un point (WGS 84, longitude puis latitude) par créneau des "
                               "événements dont le lieu a des coordonnées.",
                "profile": "data-resource",
                "format": "geojson",
                "mediatype": GEOJSON_TYPE,
                **common,
            },
            {
                "name": "evenements-jsonld",
                "path": FILES["jsonld"],
                "title": "Événements (JSON-LD, schema.org Event)",
                "description": "Un Event de schema.org par créneau, dans un @graph.",
                "profile": "data-resource",
                "format": "jsonld",
                "mediatype": JSONLD_TYPE,
                **common,
            },
        ],
    }


@feed
def datapackage(request, edition):
    """The Data Package (frictionless v1) of the edition's exports."""
    edition = edition_or_404(edition)
    return _json(data_package(request, edition, _summary(edition, _published(edition))))


@require_safe
def current(request):
    """The open data page of the current edition."""
    edition = queries.current_edition()
    if edition is None:
        return redirect("ui:home")
    return redirect("opendata:edition", edition=edition.slug)


@feed
def edition_page(request, edition):
    """Every dataset of the edition, with format, licence, last update and size."""
    edition = edition_or_404(edition)
    summary = _summary(edition, _published(edition))
    programmes = [programme for programme in queries.edition_programmes(edition) if programme.n]
    context = {
        "edition": edition,
        "breadcrumb_links": [{"url": edition.get_absolute_url(), "title": edition.name}],
        "summary": summary,
        "licence": exports.LICENCE,
        "programmes": programmes,
        "columns": exports.table_schema()["fields"],
        "resources": len(data_package(request, edition, summary)["resources"]),
        "max_feed_events": MAX_FEED_EVENTS,
    }
    return render(request, "opendata/edition.html", context)
