"""Background work of the OpenAgenda import, run by `semaine worker`."""

from django_tasks import task


@task()
def run_openagenda_import(run_id: int) -> None:
    """Import an uploaded OpenAgenda file, saving its progress on the run as it goes."""
    # the importer queues this task: it is imported when the task runs, not when it is defined
    from .importer import execute_import

    execute_import(run_id)
