"""Periodic jobs: enqueued once per period whatever the number of workers, run by the task queue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from semaine.agenda.models import EventState
from semaine.core import scheduler
from semaine.registrations import services
from semaine.registrations.models import RegistrationStatus
from tests import factories

pytestmark = pytest.mark.django_db


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
