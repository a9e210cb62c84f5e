"""Builds the open-data files of every edition in the background (see ``files``).

Run by the task ``build_open_data_files``: an edition is rebuilt only when its published
programme differs from the one its files were made from (the ``fingerprint``: the figures and
latest change ``exports.summarise`` reads, the format version, the site's address), so the task
costs two queries per edition when nothing changed. On PostgreSQL the files of one build are
read in one repeatable-read transaction: the CSV, JSON-LD, GeoJSON and Data Package describe
the same programme.
"""

import hashlib
import json
import logging
from contextlib import contextmanager
from dataclasses import astuple

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from semaine.agenda import search
from semaine.agenda.links import event_url_builder
from semaine.agenda.models import Edition

from . import exports, files, participation

logger = logging.getLogger(__name__)

#: The files of an edition, in the order they are built.
EDITION_FILES = ("csv", "jsonld", "geojson", "datapackage")


class BuildFailed(Exception):
    """One or more editions' files could not be built (each failure is in its state)."""


def edition_folder(edition: Edition) -> str:
    return f"editions/{edition.slug}"


def published(edition: Edition):
    return exports.events(edition, search.EventFilters())


def fingerprint(edition: Edition, summary: exports.Summary) -> str:
    parts = [exports.FORMAT_VERSION, settings.SITE_URL, edition.slug, edition.name,
             edition.starts_on.isoformat(), edition.ends_on.isoformat(), *map(str, astuple(summary))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def makers(edition: Edition, summary: exports.Summary) -> dict:
    queryset = published(edition)
    url = event_url_builder(None, edition)
    site = settings.SITE_URL

    def address(name: str) -> str:
        return site + reverse(f"opendata:{name}", kwargs={"edition": edition.slug})

    def package():
        document = exports.data_package(edition, summary, address("edition"))
        yield json.dumps(document, ensure_ascii=False, indent=2).encode()

    return {
        exports.FILES["csv"]: lambda: exports.pieces(
            exports.csv_lines(exports.records(exports.iterate(queryset), url))),
        exports.FILES["jsonld"]: lambda: exports.pieces(exports.jsonld_parts(
            exports.iterate(queryset), url, site_root=site, document_url=address("jsonld"),
            name=edition.name)),
        exports.FILES["geojson"]: lambda: exports.pieces(exports.geojson_parts(
            exports.records(exports.iterate(exports.located(queryset)), url))),
        exports.FILES["datapackage"]: package,
    }


@contextmanager
def _snapshot():
    """One repeatable-read transaction on PostgreSQL. Not on SQLite, whose transactions here
    take the write lock at once (``transaction_mode`` IMMEDIATE): a long build would hold up
    every write of the demo (SQLite readers see no writes in flight anyway)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield  # already inside a transaction (a test, a caller's): it is the snapshot
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def build_edition_files(edition: Edition, *, force: bool = False) -> dict | None:
    """Build the edition's files if its programme changed since the last build (or ``force``):
    the new state, or None when the files were already current."""
    with _snapshot():
        summary = exports.summarise(published(edition))
        current = fingerprint(edition, summary)
        if not force and files.is_current(edition_folder(edition), current):
            return None
        return files.build(edition_folder(edition), current, makers(edition, summary))


def build_all() -> list[str]:
    """Build the files of every edition that changed: the slugs of those built. Every edition
    is tried; if any failed, ``BuildFailed`` names them once the others are done."""
    built, failed = [], []
    for edition in Edition.objects.order_by("starts_on", "pk"):
        try:
            if build_edition_files(edition) is not None:
                built.append(edition.slug)
            if participation.build(edition) is not None:
                built.append(participation.folder(edition))
        except Exception:
            logger.exception("open-data files of edition %s could not be built", edition.slug)
            failed.append(edition.slug)
    if failed:
        raise BuildFailed(", ".join(failed))
    return built


def request_build() -> bool:
    """Queue one build of the editions' files (see ``files.queue_once``)."""
    from .tasks import build_open_data_files  # tasks.py imports this module: a cycle

    return files.queue_once("editions", build_open_data_files.enqueue)
