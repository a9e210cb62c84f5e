"""A slot's dates follow one rule (supported years, at most 62 days, within three months of its
edition), applied by the services whoever calls them, by the form beside each field, and by the
database for whatever bypasses both; an event's day facets therefore stay few."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from semaine.agenda import dates, services
from semaine.agenda.models import PARIS, Edition, Event, Slot
from semaine.agenda.services import SlotData
from tests import factories

from .test_services import fields

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), PARIS)


def create(editor, organisation, edition, *slots):
    return services.create_event(editor, organisation=organisation, edition=edition,
                                 fields=fields(), slots=list(slots))


@pytest.mark.parametrize(("starts_at", "ends_at", "field"), [
    (datetime(9999, 12, 31, 9, tzinfo=PARIS), datetime(9999, 12, 31, 10, tzinfo=PARIS), "starts_at"),
    (datetime(1, 1, 1, 9, tzinfo=PARIS), datetime(1, 1, 1, 10, tzinfo=PARIS), "starts_at"),
    (datetime(1, 1, 1, 9, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC), "starts_at"),
    (None, datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "ends_at"),
])
def test_a_slot_outside_the_supported_years_is_refused_by_the_service(
    editor, organisation, edition, starts_at, ends_at, field
):
    starts_at = starts_at or at(edition.starts_on)
    with pytest.raises(ValidationError) as refused:
        create(editor, organisation, edition, SlotData(starts_at, ends_at))
    assert field in refused.value.message_dict
    assert "2100" in refused.value.message_dict[field][0]
    assert not Event.objects.exists()


def test_a_slot_longer_than_the_limit_is_refused(editor, organisation, edition):
    start = at(edition.starts_on)
    with pytest.raises(ValidationError) as refused:
        create(editor, organisation, edition,
               SlotData(start, start + timedelta(days=dates.MAX_SLOT_DAYS, hours=1)))
    assert "62 jours" in refused.value.message_dict["ends_at"][0]


def test_a_slot_far_from_its_edition_is_refused_one_nearby_accepted(editor, organisation, edition):
    """Like the 2017 MOOC, two weeks before the week to five days after it, is accepted."""
    course = create(editor, organisation, edition,
                    SlotData(at(edition.starts_on - timedelta(days=14)),
                             at(edition.ends_on + timedelta(days=5), 18)))
    assert course.slots.count() == 1
    late = edition.ends_on + timedelta(days=dates.SLOT_MARGIN_DAYS + 1)
    with pytest.raises(ValidationError) as refused:
        create(editor, organisation, edition, SlotData(at(late), at(late, 11)))
    assert "trois mois après l’édition" in refused.value.message_dict["ends_at"][0]
    early = edition.starts_on - timedelta(days=dates.SLOT_MARGIN_DAYS + 1)
    with pytest.raises(ValidationError) as refused:
        create(editor, organisation, edition, SlotData(at(early), at(early, 11)))
    assert "trois mois avant l’édition" in refused.value.message_dict["starts_at"][0]


def test_adding_a_slot_follows_the_same_rule(editor, organisation, edition):
    event = create(editor, organisation, edition, SlotData(at(edition.starts_on), at(edition.starts_on, 11)))
    with pytest.raises(ValidationError) as refused:
        services.add_slot(editor, event, SlotData(datetime(9999, 1, 1, tzinfo=UTC),
                                                  datetime(9999, 1, 2, tzinfo=UTC)))
    assert set(refused.value.message_dict) == {"starts_at", "ends_at"}
    assert event.slots.count() == 1


def test_updating_slots_follows_the_same_rule_and_keeps_the_old_ones(editor, organisation, edition):
    event = create(editor, organisation, edition, SlotData(at(edition.starts_on), at(edition.starts_on, 11)))
    slot = event.slots.get()
    with pytest.raises(ValidationError):
        services.update_event(editor, event, fields={}, slots=[
            SlotData(slot.starts_at, datetime(9999, 12, 31, tzinfo=UTC), id=slot.pk)])
    slot.refresh_from_db()
    assert slot.ends_at == at(edition.starts_on, 11)


@pytest.mark.parametrize(("starts_at", "ends_at"), [
    (datetime(9999, 12, 30, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)),
    (datetime(1, 1, 1, 9, tzinfo=UTC), datetime(1, 1, 1, 10, tzinfo=UTC)),
    (datetime(2017, 11, 20, 9, tzinfo=UTC), datetime(2018, 11, 20, 9, tzinfo=UTC)),
])
def test_the_database_refuses_a_slot_that_bypasses_the_rule(edition, starts_at, ends_at):
    event = factories.EventFactory(edition=edition, slots=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(event=event, starts_at=starts_at, ends_at=ends_at)


def test_an_events_day_facets_are_bounded_whatever_writes_its_slots(editor, organisation, edition):
    """The longest slot allowed covers 63 days; a longer one, even written around the services,
    never reaches the facets."""
    start = at(edition.starts_on - timedelta(days=30))
    event = create(editor, organisation, edition,
                   SlotData(start, start + timedelta(days=dates.MAX_SLOT_DAYS)))
    event.refresh_from_db()
    days = [key for key in event.facets if key.startswith("day:")]
    assert len(days) == dates.MAX_SLOT_DAYS + 1
    assert f"day:{(edition.starts_on - timedelta(days=30)).isoformat()}" in days
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.create(event=event, starts_at=start, ends_at=start + timedelta(days=400))
    event.refresh_from_db()
    assert len([key for key in event.facets if key.startswith("day:")]) == dates.MAX_SLOT_DAYS + 1


def test_an_edition_outside_the_supported_years_or_too_long_is_refused():
    deadline = datetime(2017, 11, 10, tzinfo=UTC)
    with pytest.raises(ValidationError) as refused:
        Edition(name="x", slug="x", starts_on=date(1, 1, 1), ends_on=date(9999, 12, 31),
                submission_deadline=deadline).full_clean()
    assert {"starts_on", "ends_on"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        Edition(name="x", slug="x", starts_on=date(2017, 1, 1), ends_on=date(2018, 6, 1),
                submission_deadline=deadline).full_clean()
    assert "366 jours" in refused.value.message_dict["ends_on"][0]


def test_reopening_submissions_until_year_9999_is_refused(coordinator, edition):
    with pytest.raises(ValidationError) as refused:
        services.reopen_submissions(coordinator, edition, datetime(9999, 12, 31, tzinfo=PARIS))
    assert "2100" in refused.value.message_dict["until"][0]


# ---- the organiser space's form ------------------------------------------------------------------

def event_post(venue, edition, start: str, end: str) -> dict:
    from tests.web.organiser.test_views import event_post as post

    data = post(venue, edition, **{"slots-0-starts_at": start, "slots-0-ends_at": end})
    data["slots-TOTAL_FORMS"] = "1"
    return data


@pytest.mark.parametrize(("start", "end", "message"), [
    ("9999-12-31T09:00", "9999-12-31T10:00", "Indiquez une date entre le 01/01/2000 et le 31/12/2100."),
    ("0001-01-01T09:00", "0001-01-01T10:00", "Indiquez une date entre le 01/01/2000 et le 31/12/2100."),
    ("{day}T09:00", "9999-12-31T10:00", "Indiquez une date entre le 01/01/2000 et le 31/12/2100."),
    ("{far}T09:00", "{far}T10:00", "trois mois après l’édition"),
    ("{day}T09:00", "10000-01-01T10:00", "Saisissez une date et une heure valides."),
])
def test_the_form_refuses_a_slot_outside_the_rule_beside_its_field(
    client, editor, organisation, venue, edition, start, end, message
):
    client.force_login(editor)
    values = {"day": edition.starts_on.isoformat(),
              "far": (edition.ends_on + timedelta(days=dates.SLOT_MARGIN_DAYS + 2)).isoformat()}
    response = client.post(reverse("organisers:event_create", kwargs={"slug": organisation.slug}),
                           event_post(venue, edition, start.format(**values), end.format(**values)))
    assert response.status_code == 200
    slot_form = response.context["slots"].forms[0]
    field = "starts_at" if start.startswith(("9999", "0001")) else "ends_at"
    assert any(message in error for error in slot_form.errors[field])
    assert message in response.text
    assert not Event.objects.exists()
