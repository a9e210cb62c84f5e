"""Background work of the open data app, run by `semaine worker`."""

from django_tasks import task


@task()
def run_openagenda_import(run_id: int) -> None:
    """Import an uploaded OpenAgenda file, saving its progress on the run as it goes."""
    from .openagenda import execute_import

    execute_import(run_id)
