"""Background work of the programme, run by `semaine worker`."""

from django_tasks import task

from . import services


@task()
def locate_venue(venue_id: int) -> bool:
    """Place a venue by its address, else at its commune's centre (queued when a venue is
    created or its address changes); True when it has a position."""
    venue = services.locate_venue(venue_id)
    return venue is not None and venue.latitude is not None


@task()
def locate_venues() -> int:
    """Place the venues still without a position (every hour; a batch each time)."""
    return services.locate_missing_venues()
