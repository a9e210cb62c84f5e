from django_tasks import task

from .ratelimit import forget_old


@task()
def forget_rate_counters() -> int:
    """Counters of past windows are dropped (every hour, see ``scheduler``)."""
    return forget_old()
