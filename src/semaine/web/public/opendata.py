"""Downloads of an edition's programme (CSV, JSON-LD, GeoJSON), their descriptions (Table Schema,
Data Package) and the « Données ouvertes » page that lists them.

The whole edition's files are never computed in a request: the worker builds them when the
programme changes (``publication``, ``files``) and they are served from disk with their ETag
(their SHA-256), Last-Modified (when they were built) and byte ranges. Until the first build
is done, the answer is 503 with ``Retry-After`` and a French page saying the file is being
prepared; while a newer programme is being built, the previous complete files are served, with
``X-Semaine-Built-At`` saying when they were made and ``X-Semaine-Rebuilding: 1``.

With the agenda's filters (``search.parse_filters``: unknown values are ignored, as by the
calendar feeds) the exports are computed in the request, streamed, for selections of at most
``SEMAINE_EXPORT_MAX_FILTERED_EVENTS`` events (5,000: a second or two); a larger selection is
refused (400, a French page linking to the whole file), never cut short. They answer
conditional requests with 304 from validators computed before the first row is read (the
number of matching events and slots, the latest change, the content generation of
``core.cache``; kept in the shared cache for that generation).
Streamed bodies are not kept in the page cache (``core.cache`` stores whole pages only); the small
documents (schema, the page) are.
"""

import hashlib
import json
from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from semaine.agenda import queries, search
from semaine.agenda.geo import GEOJSON_TYPE
from semaine.agenda.links import event_url_builder
from semaine.agenda.models import Edition
from semaine.agenda.queries import edition_or_404
from semaine.core import cache as page_cache
from semaine.opendata import exports, files, participation, publication
from semaine.opendata.exports import CSV_TYPE, FILES, JSON_TYPE, JSONLD_TYPE

from .feeds import CACHE_TIMEOUT, _clean_params, feed, preparing

#: Seconds a client is asked to wait before asking again for a file being prepared.
RETRY_AFTER = 30


def _filters(request, edition: Edition) -> search.EventFilters:
    return search.parse_filters(_clean_params(request.GET), edition=edition)  # notices dropped


def _is_whole(filters: search.EventFilters) -> bool:
    """No filter: the whole edition (the order plays no part in an export)."""
    return replace(filters, sort=search.EventFilters().sort) == search.EventFilters()


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


def _built_file(request, edition: Edition, kind: str, *, content_type: str, attachment: bool):
    """The file of the last build, or a 503 saying it is being prepared (a build is queued)."""
    built = files.built(publication.edition_folder(edition), FILES[kind])
    current = publication.fingerprint(edition, _summary(edition, publication.published(edition)))
    stale = built is None or not files.is_current(publication.edition_folder(edition), current)
    if stale:
        publication.request_build()
    if built is None:
        return preparing(request, RETRY_AFTER)
    response = files.file_response(request, built, content_type=content_type,
                                   filename=_filename(edition, kind), attachment=attachment)
    response["X-Semaine-Built-At"] = built.built_at.isoformat()
    if stale:
        response["X-Semaine-Rebuilding"] = "1"
    return response


def _too_large(request, edition: Edition, summary: exports.Summary):
    """A filtered selection too large to compute in a request: say so, point to the whole file."""
    context = {
        "edition": edition, "events": summary.events,
        "limit": settings.SEMAINE_EXPORT_MAX_FILTERED_EVENTS,
        "whole": reverse("opendata:edition", kwargs={"edition": edition.slug}),
    }
    return render(request, "opendata/too_large.html", context, status=400)


def _export(request, edition, kind: str, *, content_type: str, attachment: bool, body):
    """The whole edition's file from disk, or the filtered selection computed here (bounded).
    ``body(edition, queryset, url)`` gives the pieces of the filtered file."""
    edition = edition_or_404(edition)
    filters = _filters(request, edition)
    if _is_whole(filters):
        return _built_file(request, edition, kind, content_type=content_type, attachment=attachment)
    queryset = exports.events(edition, filters)
    if kind == "geojson":
        queryset = exports.located(queryset)
    summary = _summary(edition, queryset, request=request, located=kind == "geojson")
    if summary.events > settings.SEMAINE_EXPORT_MAX_FILTERED_EVENTS:
        return _too_large(request, edition, summary)
    url = event_url_builder(request, edition)
    return _streamed(request, kind, body(edition, queryset, url), summary, content_type=content_type,
                     filename=_filename(edition, kind), attachment=attachment)


@feed
def csv_export(request, edition):
    """One row per slot of the matching published events."""
    return _export(request, edition, "csv", content_type=CSV_TYPE, attachment=True,
                   body=lambda edition, queryset, url: exports.pieces(
                       exports.csv_lines(exports.records(exports.iterate(queryset), url))))


@feed
def jsonld_export(request, edition):
    """One schema.org Event per slot of the matching published events, in one ``@graph``."""

    def body(edition, queryset, url):
        return exports.pieces(exports.jsonld_parts(
            exports.iterate(queryset), url, site_root=request.build_absolute_uri("/")[:-1],
            document_url=request.build_absolute_uri(), name=edition.name,
        ))

    return _export(request, edition, "jsonld", content_type=JSONLD_TYPE, attachment=False, body=body)


@feed
def geojson_export(request, edition):
    """One Point per slot of the matching published events whose venue has coordinates."""
    return _export(request, edition, "geojson", content_type=GEOJSON_TYPE, attachment=False,
                   body=lambda edition, queryset, url: exports.pieces(
                       exports.geojson_parts(exports.records(exports.iterate(queryset), url))))


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


@feed
def datapackage(request, edition):
    """The Data Package (frictionless v1) of the edition's exports."""
    return _built_file(request, edition_or_404(edition), "datapackage",
                       content_type=f"{JSON_TYPE}; charset=utf-8", attachment=False)


#: The participation files (``participation.FILES``) and their media types.
PARTICIPATION_TYPES = {"projets.csv": CSV_TYPE, "projets.json": f"{JSON_TYPE}; charset=utf-8",
                       "propositions.csv": CSV_TYPE,
                       "propositions.json": f"{JSON_TYPE}; charset=utf-8"}


@feed
def participation_file(request, edition, name):
    """The edition's hackathon projects or consultation proposals (CSV, JSON), from disk."""
    if name not in PARTICIPATION_TYPES:
        raise Http404
    edition = edition_or_404(edition)
    name_of_folder = participation.folder(edition)
    built = files.built(name_of_folder, name)
    stale = built is None or not files.is_current(name_of_folder, participation.fingerprint(edition))
    if stale:
        publication.request_build()
    if built is None:
        return preparing(request, RETRY_AFTER)
    response = files.file_response(request, built, content_type=PARTICIPATION_TYPES[name],
                                   filename=f"{edition.slug}-{name}",
                                   attachment=name.endswith(".csv"))
    response["X-Semaine-Built-At"] = built.built_at.isoformat()
    if stale:
        response["X-Semaine-Rebuilding"] = "1"
    return response


def _participation_files(edition: Edition) -> list[dict]:
    """The participation files already built, with their size and date, for the page."""
    listed = []
    titles = {"projets.csv": _("Projets des hackathons (CSV)"),
              "projets.json": _("Projets des hackathons (JSON)"),
              "propositions.csv": _("Propositions des consultations (CSV)"),
              "propositions.json": _("Propositions des consultations (JSON)")}
    for name, title in titles.items():
        built = files.built(participation.folder(edition), name)
        listed.append({"name": name, "title": title, "built": built,
                       "url": reverse("opendata:participation",
                                      kwargs={"edition": edition.slug, "name": name})})
    return listed


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@require_safe
def current(request):
    """The open data page of the current edition."""
    edition = queries.current_edition()
    if edition is None:
        return redirect("ui:home")
    return redirect("opendata:edition", edition=edition.slug)


@feed
def edition_page(request, edition):
    """Every dataset of the edition, with format, licence, last update and size, and when the
    files were last built (or that the last build failed: the worker tries again)."""
    edition = edition_or_404(edition)
    summary = _summary(edition, publication.published(edition))
    state = files.read_state(publication.edition_folder(edition))
    build = {
        "built_at": _moment(state.get("built_at")),
        "failed_at": _moment(state.get("failed_at")),
        "current": state.get("fingerprint") == publication.fingerprint(edition, summary),
    }
    programmes = [programme for programme in queries.edition_programmes(edition) if programme.n]
    context = {
        "edition": edition,
        "breadcrumb_links": [{"url": edition.get_absolute_url(), "title": edition.name}],
        "summary": summary,
        "licence": exports.LICENCE,
        "programmes": programmes,
        "columns": exports.table_schema()["fields"],
        "resources": len(exports.data_package(edition, summary, "")["resources"]),
        "build": build,
        "filtered_limit": settings.SEMAINE_EXPORT_MAX_FILTERED_EVENTS,
        "participation": _participation_files(edition),
    }
    return render(request, "opendata/edition.html", context)
