from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from semaine.agenda import services
from semaine.agenda.models import Audience, Event, EventState, EventStatus, Format, HistoryAction
from semaine.agenda.services import SlotData, TransitionError
from semaine.organisers.models import OrganisationStatus
from tests import factories

pytestmark = pytest.mark.django_db


def fields(**extra):
    base = {"title": "La blockchain expliquée", "summary": "Une chaîne de blocs, pour quoi faire ?",
            "description": "Du **Markdown**.",
            "formats": list(Format.objects.filter(slug="atelier")),
            "audiences": list(Audience.objects.filter(slug="grand-public"))}
    base.update(extra)
    return base


def slot(edition, day=0, hours=(9, 12)):
    start = timezone.make_aware(
        timezone.datetime.combine(edition.starts_on + timedelta(days=day), timezone.datetime.min.time())
    )
    return SlotData(start + timedelta(hours=hours[0]), start + timedelta(hours=hours[1]))


@pytest.fixture
def draft(editor, organisation, edition):
    return services.create_event(
        editor, organisation=organisation, edition=edition, fields=fields(),
        slots=[slot(edition), slot(edition, 1)],
    )


@pytest.fixture
def submitted(draft, editor):
    return services.submit_event(editor, draft)


@pytest.fixture
def published(submitted, coordinator):
    return services.publish_event(coordinator, submitted)


def test_create_event_makes_a_draft_with_its_slots_and_history(draft, editor):
    assert draft.state == EventState.DRAFT
    assert draft.slots.count() == 2
    assert draft.first_starts_at == draft.slots.first().starts_at
    entry = draft.history.get()
    assert (entry.action, entry.actor, entry.to_state) == (HistoryAction.CREATED, editor, "draft")


def test_an_editor_cannot_create_an_event_for_another_organisation(other_editor, organisation, edition):
    with pytest.raises(PermissionDenied):
        services.create_event(other_editor, organisation=organisation, edition=edition, fields=fields())
    assert not Event.objects.exists()


def test_an_event_cannot_use_another_organisations_venue(editor, organisation, other_organisation, edition):
    foreign = factories.VenueFactory(organisation=other_organisation)
    with pytest.raises(ValidationError) as error:
        services.create_event(editor, organisation=organisation, edition=edition,
                              fields=fields(venue=foreign))
    assert "venue" in error.value.error_dict


def test_an_editor_cannot_edit_duplicate_or_submit_another_organisations_event(draft, other_editor):
    with pytest.raises(PermissionDenied):
        services.update_event(other_editor, draft, fields=fields(title="Piraté"))
    with pytest.raises(PermissionDenied):
        services.duplicate_event(other_editor, draft)
    with pytest.raises(PermissionDenied):
        services.submit_event(other_editor, draft)
    draft.refresh_from_db()
    assert draft.title == "La blockchain expliquée"
    assert draft.state == EventState.DRAFT
    assert Event.objects.count() == 1


def test_submit_moves_a_draft_to_the_coordinators(submitted):
    assert submitted.state == EventState.SUBMITTED
    assert submitted.submitted_at is not None
    assert submitted.history.first().action == HistoryAction.SUBMITTED


def test_an_unapproved_organisation_cannot_submit(draft, editor, organisation):
    organisation.status = OrganisationStatus.PENDING
    organisation.save()
    with pytest.raises(TransitionError, match="validée"):
        services.submit_event(editor, draft)
    draft.refresh_from_db()
    assert draft.state == EventState.DRAFT


def test_submission_after_the_deadline_is_refused_until_a_coordinator_reopens(
    draft, editor, edition, coordinator
):
    edition.submission_deadline = timezone.now() - timedelta(hours=1)
    edition.save()
    with pytest.raises(TransitionError, match="date limite"):
        services.submit_event(editor, draft)
    services.reopen_submissions(coordinator, edition, timezone.now() + timedelta(days=2))
    assert services.submit_event(editor, draft).state == EventState.SUBMITTED


def test_only_a_coordinator_reopens_submissions(editor, edition):
    with pytest.raises(PermissionDenied):
        services.reopen_submissions(editor, edition, timezone.now() + timedelta(days=2))


def test_an_event_without_slot_cannot_be_submitted(editor, organisation, edition):
    event = services.create_event(editor, organisation=organisation, edition=edition, fields=fields())
    with pytest.raises(TransitionError, match="créneau"):
        services.submit_event(editor, event)


def test_an_event_without_format_or_audience_cannot_be_submitted(draft, editor):
    draft.audiences.clear()
    with pytest.raises(TransitionError, match="public"):
        services.submit_event(editor, draft)


def test_a_submitted_event_cannot_be_submitted_again(submitted, editor):
    with pytest.raises(TransitionError):
        services.submit_event(editor, submitted)


def test_only_coordinators_of_the_edition_publish(submitted, editor, other_editor):
    outsider = factories.CoordinationFactory().user  # coordinator of another edition
    for person in (editor, other_editor, outsider):
        with pytest.raises(PermissionDenied):
            services.publish_event(person, submitted)
    submitted.refresh_from_db()
    assert submitted.state == EventState.SUBMITTED


def test_publish_records_who_and_when(published, coordinator):
    assert published.state == EventState.PUBLISHED
    assert published.published_at is not None
    entry = published.history.first()
    assert entry.action == HistoryAction.PUBLISHED
    assert entry.actor == coordinator
    assert entry.acting_as == "Coordination de l'édition"


def test_return_needs_a_comment_and_goes_back_to_draft(submitted, coordinator, editor):
    with pytest.raises(ValidationError):
        services.return_event(coordinator, submitted, "  ")
    event = services.return_event(coordinator, submitted, "Précisez le lieu.")
    assert event.state == EventState.DRAFT
    assert event.history.first().comment == "Précisez le lieu."
    # the organiser corrects and submits again
    assert services.submit_event(editor, event).state == EventState.SUBMITTED


def test_only_coordinators_return_or_refuse(submitted, editor):
    with pytest.raises(PermissionDenied):
        services.return_event(editor, submitted, "non")
    with pytest.raises(PermissionDenied):
        services.refuse_event(editor, submitted, "non")


def test_a_refused_event_can_no_longer_be_edited(submitted, coordinator, editor):
    services.refuse_event(coordinator, submitted, "Hors sujet.")
    with pytest.raises(TransitionError):
        services.update_event(editor, submitted, fields=fields(title="Autre"))


def test_a_draft_cannot_be_published_without_submission(draft, coordinator):
    with pytest.raises(TransitionError):
        services.publish_event(coordinator, draft)


def test_editing_a_published_event_keeps_it_published_and_records_the_change(published, editor):
    event = services.update_event(editor, published, fields=fields(title="La blockchain en pratique"))
    assert event.state == EventState.PUBLISHED
    change = event.history.filter(action=HistoryAction.CHANGED).get()
    assert change.changes["title"] == {"before": "La blockchain expliquée",
                                       "after": "La blockchain en pratique"}


def test_an_edit_that_changes_nothing_records_nothing(published, editor):
    before = published.history.count()
    services.update_event(editor, published, fields=fields())
    assert published.history.count() == before


def test_slots_are_replaced_and_the_span_follows(published, editor, edition):
    existing = list(published.slots.all())
    new = [SlotData(existing[0].starts_at, existing[0].ends_at, 30, existing[0].pk),
           slot(edition, 3, (14, 17))]
    event = services.update_event(editor, published, fields={}, slots=new)
    assert event.slots.count() == 2
    assert not event.slots.filter(pk=existing[1].pk).exists()
    assert event.slots.get(pk=existing[0].pk).capacity == 30
    assert event.last_ends_at == new[1].ends_at
    assert "slots" in event.history.first().changes


def test_cancelling_keeps_the_page_published_and_needs_a_reason(published, editor):
    with pytest.raises(ValidationError):
        services.cancel_event(editor, published, "")
    event = services.cancel_event(editor, published, "Intervenant malade.")
    assert event.state == EventState.PUBLISHED
    assert event.status == EventStatus.CANCELLED
    assert event.history.first().action == HistoryAction.CANCELLED
    with pytest.raises(TransitionError):
        services.set_event_status(editor, event, EventStatus.SCHEDULED)


def test_another_organisation_cannot_cancel(published, other_editor):
    with pytest.raises(PermissionDenied):
        services.cancel_event(other_editor, published, "Sabotage")


def test_duplicate_makes_a_new_draft_with_the_same_slots(published, editor):
    copy = services.duplicate_event(editor, published)
    assert copy.pk != published.pk
    assert copy.state == EventState.DRAFT
    assert copy.slug != published.slug
    assert copy.title.endswith("(copie)")
    assert [(s.starts_at, s.ends_at) for s in copy.slots.all()] == [
        (s.starts_at, s.ends_at) for s in published.slots.all()
    ]
    assert copy.history.get().action == HistoryAction.DUPLICATED


def test_add_slot_extends_the_event(draft, editor, edition):
    services.add_slot(editor, draft, slot(edition, 5, (18, 20)))
    draft.refresh_from_db()
    assert draft.slots.count() == 3
    assert draft.last_ends_at == slot(edition, 5, (18, 20)).ends_at


def test_a_slot_ending_before_it_starts_is_refused(draft, editor, edition):
    bad = slot(edition)
    with pytest.raises(ValidationError):
        services.add_slot(editor, draft, SlotData(bad.ends_at, bad.starts_at))
    assert draft.slots.count() == 2


def test_moving_a_venue_tells_calendars_the_api_and_the_ledger_of_its_published_events(
    editor, organisation, edition, venue
):
    from semaine.ledger.models import Entry

    published = factories.published_event(edition, organisation, venue=venue)
    draft = factories.EventFactory(edition=edition, organisation=organisation, venue=venue)
    before = Event.objects.get(pk=published.pk)
    services.save_venue(editor, organisation, {"address": "2 quai de la Fosse"}, venue)
    after = Event.objects.get(pk=published.pk)
    assert after.revision == before.revision + 1
    assert after.updated_at > before.updated_at
    changed = Entry.objects.filter(kind="event.changed").values_list("subject", flat=True)
    assert list(changed) == [f"event:{published.public_id}"]
    assert Event.objects.get(pk=draft.pk).revision == draft.revision
