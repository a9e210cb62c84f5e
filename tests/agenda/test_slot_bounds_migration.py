"""The migration that bounds slots brings the ones saved before the rule within the bounds
(rather than failing on them) and recomputes their events' span and day facets."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("agenda", "0011_event_sync_index")]
AFTER = [("agenda", "0012_slot_date_bounds")]


@pytest.fixture
def before_bounds(migrated_reference_data):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_slots_saved_before_the_bounds_are_brought_within_them(before_bounds):
    apps = before_bounds
    Edition, Event, Slot = (apps.get_model("agenda", name) for name in ("Edition", "Event", "Slot"))
    Organisation = apps.get_model("organisers", "Organisation")
    edition = Edition.objects.create(name="2017", slug="2017", starts_on=date(2017, 11, 20),
                                     ends_on=date(2017, 11, 26),
                                     submission_deadline=datetime(2017, 11, 10, tzinfo=UTC))
    organisation = Organisation.objects.create(name="Ville", slug="ville", kind="commune")
    event = Event.objects.create(edition=edition, organisation=organisation, title="x", summary="x",
                                 slug="x", facets={"theme:1": 1, "day:2017-11-20": 1})
    fine = Slot.objects.create(event=event, starts_at=datetime(2017, 11, 20, 9, tzinfo=UTC),
                               ends_at=datetime(2017, 11, 20, 10, tzinfo=UTC))
    endless = Slot.objects.create(event=event, starts_at=datetime(2017, 11, 21, 9, tzinfo=UTC),
                                  ends_at=datetime(9999, 12, 31, 12, tzinfo=UTC))
    ancient = Slot.objects.create(event=event, starts_at=datetime(1, 1, 1, 9, tzinfo=UTC),
                                  ends_at=datetime(1, 1, 1, 10, tzinfo=UTC))

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    apps = executor.loader.project_state(AFTER).apps
    Event, Slot = apps.get_model("agenda", "Event"), apps.get_model("agenda", "Slot")
    fine_after, endless_after, ancient_after = (Slot.objects.get(pk=s.pk) for s in (fine, endless, ancient))
    assert (fine_after.starts_at, fine_after.ends_at) == (fine.starts_at, fine.ends_at)
    assert endless_after.starts_at == endless.starts_at
    assert (endless_after.ends_at - endless_after.starts_at).days == 62
    assert ancient_after.starts_at.year == 2000 and ancient_after.ends_at > ancient_after.starts_at
    event = Event.objects.get(pk=event.pk)
    assert event.first_starts_at == ancient_after.starts_at
    assert event.last_ends_at == endless_after.ends_at
    assert "theme:1" in event.facets and "day:2017-11-20" in event.facets
    assert "day:2018-01-21" in event.facets and "day:2000-01-01" in event.facets
    assert len([key for key in event.facets if key.startswith("day:")]) < 70
