"""Background work of consultations."""

from django_tasks import task

from . import services


@task()
def close_finished_supports():
    """Record the counts of the consultations whose supports phase has ended."""
    return services.close_finished_supports()
