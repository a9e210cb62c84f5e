from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from semaine import scheduler
from semaine.agenda.models import PARIS, EventState, Slot
from semaine.registrations import services
from semaine.registrations.models import RegistrationStatus
from tests import factories

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


def test_each_periodic_job_is_enqueued_once_per_period_whatever_the_number_of_workers():
    moment = 1_800_000_000.0
    first = scheduler.due_jobs(moment)
    assert set(first) == {path for path, _ in scheduler.JOBS}
    assert scheduler.due_jobs(moment + 1) == []  # another worker, same period
    later = scheduler.due_jobs(moment + 61)
    assert "semaine.registrations.tasks.expire_waiting_list_offers" in later
    assert "semaine.registrations.tasks.anonymise_past_registrations" not in later


def test_the_ticker_runs_the_jobs_through_the_task_queue(edition, organisation):
    # The test settings run tasks at once (immediate backend): an expired offer is passed on.
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                   state=EventState.PUBLISHED, registration_mode="platform",
                                   capacity=1)
    slot = event.slots.get()
    first = services.register(slot=slot, email="a@example.fr", first_name="A", last_name="B",
                              email_verified=True)
    second = services.register(slot=slot, email="b@example.fr", first_name="C", last_name="D",
                               email_verified=True)
    third = services.register(slot=slot, email="c@example.fr", first_name="E", last_name="F",
                              email_verified=True)
    services.cancel(first)
    second.refresh_from_db()
    type(second).objects.filter(pk=second.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    enqueued = scheduler.tick(2_000_000_000.0)
    assert "semaine.registrations.tasks.expire_waiting_list_offers" in enqueued
    third.refresh_from_db()
    assert third.status == RegistrationStatus.OFFERED


def test_old_rate_counters_are_forgotten():
    from semaine.ui import ratelimit
    from semaine.ui.models import RateCounter

    assert ratelimit.hit("test", "1.2.3.4", limit=2, period=3600)
    assert ratelimit.hit("test", "1.2.3.4", limit=2, period=3600)
    assert not ratelimit.hit("test", "1.2.3.4", limit=2, period=3600)
    assert ratelimit.forget_old() == 0
    RateCounter.objects.update(window=0)
    assert ratelimit.forget_old() == 1
    assert not RateCounter.objects.filter(key__contains="1.2.3.4").exists()  # hashed, never raw
