"""Cursor pagination (stable under inserts, bounded) and synchronisation (``updated_since`` and
the tombstones of events that left public view)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from semaine.agenda import services
from semaine.agenda.models import Event, EventState, HistoryAction
from semaine.api.pagination import MAX_LIMIT

from .conftest import published_event as publish

pytestmark = pytest.mark.django_db


def page(api, edition, **params):
    response = api.get(f"/editions/{edition.slug}/events", params)
    assert response.status_code == 200, response.json()
    return response.json()


def walk(api, edition, **params):
    seen, cursor = [], None
    while True:
        body = page(api, edition, **params, **({"cursor": cursor} if cursor else {}))
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return seen


def test_pages_follow_each_other_in_date_order_without_overlap(api, edition, organisation):
    events = [publish(edition, organisation, day=i % 5, hour=8 + i) for i in range(7)]
    expected = [str(e.public_id) for e in sorted(events, key=lambda e: (e.first_starts_at, e.pk))]
    assert walk(api, edition, limit=3) == expected


def test_the_last_page_has_no_next_cursor(api, edition, organisation):
    publish(edition, organisation)
    assert page(api, edition, limit=5)["next_cursor"] is None


def test_an_insert_before_the_cursor_shifts_nothing(api, edition, organisation):
    events = [publish(edition, organisation, day=2, hour=8 + i) for i in range(4)]
    first = page(api, edition, limit=2)
    publish(edition, organisation, day=0, title="Plus tôt")  # sorts before the whole first page
    second = page(api, edition, limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in second["items"]] == [str(e.public_id) for e in events[2:]]


def test_events_without_slots_come_last_and_are_not_lost(api, edition, organisation):
    dated = publish(edition, organisation)
    undated = publish(edition, organisation, title="Sans créneau")
    undated.slots.all().delete()
    undated.refresh_span()
    assert walk(api, edition, limit=1) == [str(dated.public_id), str(undated.public_id)]


def test_a_forged_cursor_is_a_400_problem(api, edition, organisation):
    publish(edition, organisation)
    response = api.get(f"/editions/{edition.slug}/events", {"cursor": "eyJhIjoxfQ:forged"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_cursor_of_another_order_is_refused(api, edition, organisation):
    publish(edition, organisation)
    publish(edition, organisation)
    by_date = page(api, edition, limit=1)["next_cursor"]
    response = api.get(f"/editions/{edition.slug}/events",
                       {"cursor": by_date, "updated_since": "2000-01-01T00:00:00Z"})
    assert response.status_code == 400


def test_the_page_size_is_bounded(api, edition, organisation):
    assert api.get(f"/editions/{edition.slug}/events", {"limit": MAX_LIMIT}).status_code == 200
    assert api.get(f"/editions/{edition.slug}/events", {"limit": MAX_LIMIT + 1}).status_code == 400


def test_updated_since_lists_only_the_events_changed_since(api, edition, organisation, editor):
    old = publish(edition, organisation, title="Ancien")
    Event.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=2))
    recent = publish(edition, organisation, title="Récent")
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert walk(api, edition, updated_since=since) == [str(recent.public_id)]


def test_a_new_slot_counts_as_a_change(api, edition, organisation, editor):
    event = publish(edition, organisation)
    Event.objects.filter(pk=event.pk).update(updated_at=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert walk(api, edition, updated_since=since) == []
    slot = event.slots.get()
    services.add_slot(editor, event, services.SlotData(slot.starts_at + timedelta(days=1),
                                                       slot.ends_at + timedelta(days=1)))
    assert walk(api, edition, updated_since=since) == [str(event.public_id)]


def test_updated_since_needs_a_time_zone(api, edition):
    response = api.get(f"/editions/{edition.slug}/events", {"updated_since": "2017-11-20T10:00:00"})
    assert response.status_code == 400


def test_synced_at_is_a_little_behind_the_clock(api, edition):
    body = page(api, edition)
    from datetime import datetime

    synced = datetime.fromisoformat(body["synced_at"])
    assert timezone.now() - timedelta(minutes=2) < synced < timezone.now()


def removed(api, edition, **params):
    response = api.get(f"/editions/{edition.slug}/events/removed", params)
    assert response.status_code == 200, response.json()
    return response.json()["items"]


def test_a_deleted_published_event_leaves_a_tombstone(api, edition, organisation):
    event = publish(edition, organisation)
    public_id = str(event.public_id)
    event.delete()
    [tombstone] = removed(api, edition)
    assert tombstone["id"] == public_id and tombstone["reason"] == "deleted"


def _unpublish(event, actor):
    """What a service taking an event out of the programme does: the state, then the log of every
    state change (no service of the agenda unpublishes an event today)."""
    Event.objects.filter(pk=event.pk).update(state=EventState.DRAFT)
    event.refresh_from_db()
    services._log(event, actor, HistoryAction.RETURNED, from_state=EventState.PUBLISHED,
                  to_state=EventState.DRAFT, comment="Retiré")


def test_an_unpublished_event_leaves_a_tombstone(api, edition, organisation, coordinator):
    event = publish(edition, organisation)
    _unpublish(event, coordinator)
    assert [t["reason"] for t in removed(api, edition)] == ["unpublished"]
    assert page(api, edition)["items"] == []


def test_a_draft_deleted_leaves_no_tombstone(api, edition, organisation):
    from tests import factories

    factories.EventFactory(edition=edition, organisation=organisation).delete()
    assert removed(api, edition) == []


def test_republishing_removes_the_tombstone(api, edition, organisation, coordinator, editor):
    event = publish(edition, organisation)
    _unpublish(event, coordinator)
    assert len(removed(api, edition)) == 1
    services.submit_event(editor, event)
    services.publish_event(coordinator, event)
    assert removed(api, edition) == []
    assert [item["id"] for item in page(api, edition)["items"]] == [str(event.public_id)]


def test_a_published_event_deleted_through_a_stale_or_partial_instance_leaves_a_tombstone(
    api, edition, organisation, coordinator, editor
):
    from tests import factories

    stale = factories.EventFactory(edition=edition, organisation=organisation, state=EventState.SUBMITTED,
                                   slots=1)
    services.publish_event(coordinator, Event.objects.get(pk=stale.pk))  # `stale` still says submitted
    partial = publish(edition, organisation)
    stale.delete()
    Event.objects.only("pk").get(pk=partial.pk).delete()
    assert sorted(t["id"] for t in removed(api, edition)) == sorted(
        [str(stale.public_id), str(partial.public_id)])


def test_events_deleted_by_a_queryset_leave_tombstones(api, edition, organisation):
    events = [publish(edition, organisation) for _ in range(2)]
    Event.objects.filter(pk__in=[e.pk for e in events]).delete()
    assert sorted(t["id"] for t in removed(api, edition)) == sorted(str(e.public_id) for e in events)


def test_loading_events_runs_nothing_per_instance():
    """Exports load every event: nothing may listen to each instance's creation."""
    from django.db.models.signals import post_init

    assert not post_init.has_listeners(Event)


def test_tombstones_since_a_time(api, edition, organisation):
    first, second = publish(edition, organisation), publish(edition, organisation)
    first.delete()
    middle = timezone.now()
    second.delete()
    assert [t["id"] for t in removed(api, edition, since=middle.isoformat())] == [str(second.public_id)]


def test_tombstones_are_paginated(api, edition, organisation):
    events = [publish(edition, organisation) for _ in range(3)]
    wanted = [str(e.public_id) for e in events]
    for event in events:
        event.delete()
    first = api.get(f"/editions/{edition.slug}/events/removed", {"limit": 2}).json()
    rest = api.get(f"/editions/{edition.slug}/events/removed",
                   {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [t["id"] for t in first["items"] + rest["items"]] == wanted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL")
def test_synchronising_reads_an_index_in_the_order_of_changes(edition, organisation):
    """`updated_since` reads the edition's published events changed since, by change: an index
    serves the filter and the order, without sorting the edition's events."""
    for _ in range(3):
        publish(edition, organisation)
    since = timezone.now() - timedelta(hours=1)
    queryset = (Event.objects.filter(edition=edition, state=EventState.PUBLISHED, updated_at__gte=since)
                .order_by("updated_at", "pk").values("pk")[:50])
    with connection.cursor() as cursor:
        # three rows: without these the planner may sort them from any index; with them it takes
        # the one index that gives the order, and sorts only if there is none
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = queryset.explain()
    assert "Scan using event_sync" in plan
    assert "Sort" not in plan  # the index's order is the pages' order


def test_a_page_whose_rows_vanish_before_they_load_still_leads_to_the_next(edition, organisation):
    """The keys are read first, the rows loaded after: the cursor comes from the keys' query, so
    rows deleted (or changed) in between neither end the list nor move it."""
    from semaine.api import pagination

    events = [publish(edition, organisation, title=f"Atelier {i}", day=i) for i in range(3)]
    fields = [("first_starts_at", True), ("pk", False)]
    queryset = Event.objects.filter(edition=edition)
    rows, cursor = pagination.page(queryset, kind="events", fields=fields, cursor=None, limit=2,
                                   load=lambda keys: {})
    assert rows == [] and cursor is not None
    Event.objects.filter(pk=events[1].pk).update(first_starts_at=events[2].first_starts_at
                                                 + timedelta(days=1))
    rows, cursor = pagination.page(queryset, kind="events", fields=fields, cursor=cursor, limit=2,
                                   load=lambda keys: Event.objects.in_bulk(keys))
    assert [row.pk for row in rows] == [events[2].pk, events[1].pk] and cursor is None
