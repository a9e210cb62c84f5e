from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from semaine.agenda.models import PARIS, EventState, Slot
from semaine.registrations import services
from semaine.registrations.models import RegistrationStatus
from tests import factories
from tests.races import race

pytestmark = pytest.mark.django_db


def test_attendees_are_reminded_the_day_before_once(
    edition, organisation, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    slot = event.slots.get()
    now = timezone.now()
    tomorrow = datetime.combine(timezone.localtime(now, PARIS).date() + timedelta(days=1),
                                datetime.min.time(), PARIS) + timedelta(hours=10)
    Slot.objects.filter(pk=slot.pk).update(starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=2))
    slot.refresh_from_db()
    coming = services.register(slot=slot, email="a@example.fr", first_name="A", last_name="B",
                               email_verified=True)
    gone = services.register(slot=slot, email="c@example.fr", first_name="C", last_name="D",
                             email_verified=True)
    services.cancel(gone, notify=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(now) == 1
    assert services.send_reminders(now) == 0
    [reminder] = mail.outbox
    assert reminder.to == [coming.email] and reminder.subject.startswith("Demain")
    assert reminder.attachments[0][0].endswith(".ics")
    assert coming.status == RegistrationStatus.CONFIRMED


# --- the ledger's record of closed registrations -------------------------------------------------


def _closed_entries():
    from semaine.ledger.models import Entry

    return list(Entry.objects.filter(kind="registrations.closed").values_list("subject", flat=True))


def test_closed_registrations_are_recorded_once_and_the_slot_is_marked(edition, organisation):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=2,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    first, second = event.slots.order_by("starts_at")
    assert services.record_closed_registrations(now=first.starts_at) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.closing_recorded_at is not None and second.closing_recorded_at is None
    assert services.record_closed_registrations(now=first.starts_at) == 0
    assert services.record_closed_registrations(now=second.starts_at) == 1
    assert sorted(_closed_entries()) == sorted(f"slot:{event.public_id}/{s.pk}" for s in (first, second))


def test_closed_registrations_are_recorded_in_batches(edition, organisation, monkeypatch):
    monkeypatch.setattr(services, "CLOSING_BATCH", 2)
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=5,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    last = event.slots.order_by("starts_at").last()
    assert services.record_closed_registrations(now=last.starts_at) == 5
    assert len(set(_closed_entries())) == 5
    assert not event.slots.filter(closing_recorded_at__isnull=True).exists()


def test_slots_the_ledger_recorded_before_the_mark_existed_are_not_recorded_again(edition, organisation):
    import importlib

    from django.apps import apps
    from django.db import transaction

    from semaine.ledger.services import record_many

    migration = importlib.import_module("semaine.agenda.migrations.0010_slot_closing_recorded_at")
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=2,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    old, new = event.slots.order_by("starts_at")
    other = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    with transaction.atomic():  # what the former job left: an entry, no mark
        record_many([("registrations.closed", f"slot:{event.public_id}/{old.pk}", {}),
                     # a subject naming a slot of another event marks nothing
                     ("registrations.closed", f"slot:{event.public_id}/{other.slots.get().pk}", {})])
    migration.mark_recorded_slots(apps, None)
    old.refresh_from_db()
    assert old.closing_recorded_at is not None
    assert not other.slots.get().closing_recorded_at
    assert services.record_closed_registrations(now=new.starts_at) == 2  # `new` and `other`'s slot
    assert _closed_entries().count(f"slot:{event.public_id}/{old.pk}") == 1


def test_an_edit_of_the_slots_keeps_the_mark(edition, organisation, editor):
    """The recording job may mark a slot between the moment an edit reads it and the moment
    it writes it: the edit writes only what the editor sets, never the mark it read."""
    from django.db.models.signals import pre_save
    from django.utils import timezone

    from semaine.agenda import services as agenda_services

    event = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   state=EventState.PUBLISHED, registration_mode="platform")
    slot = event.slots.get()

    def job_marks_it_meanwhile(sender, instance, **kwargs):
        if instance.pk == slot.pk and instance.closing_recorded_at is None:
            Slot.objects.filter(pk=slot.pk).update(closing_recorded_at=timezone.now())

    pre_save.connect(job_marks_it_meanwhile, sender=Slot)
    try:
        data = agenda_services.SlotData(slot.starts_at, slot.ends_at, 12, id=slot.pk)
        agenda_services.update_event(editor, event, fields={}, slots=[data])
    finally:
        pre_save.disconnect(job_marks_it_meanwhile, sender=Slot)
    slot.refresh_from_db()
    assert slot.capacity == 12 and slot.closing_recorded_at is not None
    assert services.record_closed_registrations(now=slot.starts_at) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_overlapping_runs_record_each_closed_slot_exactly_once(migrated_reference_data, edition,
                                                               organisation, monkeypatch):

    monkeypatch.setattr(services, "CLOSING_BATCH", 3)  # several transactions per run
    events = [factories.EventFactory(edition=edition, organisation=organisation, slots=4,
                                     state=EventState.PUBLISHED, registration_mode="platform")
              for _ in range(5)]
    now = max(s.starts_at for e in events for s in e.slots.all())
    counts = []
    errors = race(lambda: counts.append(services.record_closed_registrations(now=now)), [()] * 6)
    assert not errors
    assert sum(counts) == 20
    subjects = _closed_entries()
    assert len(subjects) == 20 and len(set(subjects)) == 20
    assert not Slot.objects.filter(closing_recorded_at__isnull=True).exists()
