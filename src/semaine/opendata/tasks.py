"""Background work of the open data app, run by `semaine worker`."""

from django_tasks import task


@task()
def run_openagenda_import(run_id: int) -> None:
    """Import an uploaded OpenAgenda file, saving its progress on the run as it goes."""
    from .openagenda import execute_import

    execute_import(run_id)


@task()
def build_open_data_files() -> list[str]:
    """Build the open-data files of the editions whose programme changed (queued when the
    programme changes, and every few minutes by the scheduler, which retries a failed build)."""
    from . import files, publication

    files.build_started("editions")
    return publication.build_all()


@task()
def build_feed_file(key: str, spec: dict) -> bool:
    """Build the file of a large calendar feed (see ``views``)."""
    from . import files, views

    files.build_started(f"feeds/{key}")
    return views.build_feed_file(key, spec)
