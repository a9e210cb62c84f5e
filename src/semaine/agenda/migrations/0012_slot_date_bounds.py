"""Slots stay within the supported years (2000–2100, with a day's slack) and last at most 63
days (the rule of ``agenda.dates`` allows 62): the database refuses anything else.

Slots saved before the rule existed that break it (a slot ending in year 9999, say) are brought
within the bounds first, and their events' span and day facets recomputed."""

import datetime

from django.db import migrations, models
from django.db.models import F, Min, Max, Q

UTC = datetime.UTC
#: As in ``semaine.agenda.dates`` when this migration was written.
EARLIEST = datetime.datetime(1999, 12, 31, tzinfo=UTC)
LATEST = datetime.datetime(2101, 1, 2, tzinfo=UTC)
MAX_LENGTH = datetime.timedelta(days=63)
#: Where a slot brought within the bounds may lie (inside the database's bounds).
FIRST = datetime.datetime(2000, 1, 1, tzinfo=UTC)
LAST = datetime.datetime(2100, 12, 31, tzinfo=UTC)
HOUR = datetime.timedelta(hours=1)


def bound_slots(apps, schema_editor):
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    Event = apps.get_model("agenda", "Event")
    Slot = apps.get_model("agenda", "Slot")
    outside = Slot.objects.filter(
        Q(starts_at__lt=FIRST) | Q(ends_at__gt=LAST) | Q(ends_at__gt=F("starts_at") + MAX_LENGTH)
    )
    events = set()
    for slot in outside.iterator(chunk_size=500):
        start = min(max(slot.starts_at, FIRST), LAST - HOUR)
        end = min(max(slot.ends_at, start + HOUR), LAST, start + MAX_LENGTH - HOUR)
        Slot.objects.filter(pk=slot.pk).update(starts_at=start, ends_at=end)
        events.add(slot.event_id)
    for event in Event.objects.filter(pk__in=events):
        slots = list(Slot.objects.filter(event=event).values_list("starts_at", "ends_at"))
        keys = {key: 1 for key in event.facets if not key.startswith(("day:", "weekday:"))}
        for start, end in slots:
            first, last = start.astimezone(paris).date(), end.astimezone(paris).date()
            keys[f"weekday:{first.isoweekday()}"] = 1
            for offset in range((last - first).days + 1):
                keys[f"day:{(first + datetime.timedelta(days=offset)).isoformat()}"] = 1
        span = Slot.objects.filter(event=event).aggregate(first=Min("starts_at"), last=Max("ends_at"))
        Event.objects.filter(pk=event.pk).update(
            facets=keys, first_starts_at=span["first"], last_ends_at=span["last"])


class Migration(migrations.Migration):

    dependencies = [
        ("agenda", "0011_event_sync_index"),
    ]

    operations = [
        migrations.RunPython(bound_slots, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="slot",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__lt", LATEST), ("starts_at__gte", EARLIEST)),
                name="slot_within_supported_years",
            ),
        ),
        migrations.AddConstraint(
            model_name="slot",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__lte", F("starts_at") + MAX_LENGTH)),
                name="slot_length_bounded",
            ),
        ),
    ]
