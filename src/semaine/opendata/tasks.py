"""Background work of the open data app, run by `semaine worker`."""

from django_tasks import task

# Imports queued under this name before the importer moved to semaine.interop still find their
# task (the worker reads a task by the dotted path it was queued with).
from semaine.interop.openagenda.tasks import run_openagenda_import  # noqa: F401

from . import feeds, files, publication


@task()
def build_open_data_files() -> list[str]:
    """Build the open-data files of the editions whose programme changed (queued when the
    programme changes, and every few minutes by the scheduler, which retries a failed build)."""
    files.build_started("editions")
    return publication.build_all()


@task()
def build_feed_file(key: str, spec: dict) -> bool:
    """Build the file of a large calendar feed (see ``feeds``)."""
    files.build_started(f"feeds/{key}")
    return feeds.build_feed_file(key, spec)
