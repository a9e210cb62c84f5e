"""A second import updates what changed and never duplicates; removals are reported."""

import copy

from semaine.agenda.models import (
    Event,
    EventHistory,
    EventStatus,
    HistoryAction,
    RegistrationMode,
    Slot,
    Venue,
)
from semaine.agenda.services import update_event
from semaine.interop import openagenda
from semaine.interop.models import OpenAgendaLink
from semaine.registrations.models import Registration, RegistrationStatus
from tests import factories

from .openagenda_data import (
    by_outcome,
    event_of,
    sample,
)

VISIT, WORKSHOP, ROUND_TABLE = 29471035, 29471102, 29471230


def test_a_second_import_of_the_same_file_changes_nothing(run_import):
    run_import(sample())
    counts = (Event.objects.count(), Slot.objects.count(), Venue.objects.count(),
              EventHistory.objects.count(), OpenAgendaLink.objects.count())

    lines = by_outcome(run_import(sample()))

    assert len(lines["unchanged"]) == 6 and "created" not in lines and "updated" not in lines
    assert (Event.objects.count(), Slot.objects.count(), Venue.objects.count(),
            EventHistory.objects.count(), OpenAgendaLink.objects.count()) == counts


def test_a_modified_source_event_is_updated_and_the_others_unchanged(run_import):
    run_import(sample())
    document = sample()
    event_of(document, VISIT)["title"]["fr"] = "Portes ouvertes d'Arc'Antique"
    event_of(document, VISIT)["updatedAt"] = "2017-11-10T09:00:00.000Z"

    lines = by_outcome(run_import(document))

    assert [line.uid for line in lines["updated"]] == [str(VISIT)]
    assert len(lines["unchanged"]) == 5
    event = Event.objects.get(pk=lines["updated"][0].event_id)
    assert event.title == "Portes ouvertes d'Arc'Antique"
    assert event.history.filter(action=HistoryAction.CHANGED).exists()


def test_changed_timings_replace_the_slots_without_duplicating_them(run_import):
    run_import(sample())
    document = sample()
    event_of(document, WORKSHOP)["timings"][1] = {
        "begin": "2017-11-24T09:30:00+01:00", "end": "2017-11-24T12:30:00+01:00"}

    line = next(line for line in run_import(document) if line.uid == str(WORKSHOP))

    assert line.outcome == "updated"
    days = [s.starts_at.day for s in Slot.objects.filter(event_id=line.event_id).order_by("starts_at")]
    assert days == [22, 24]


def test_an_unchanged_slot_keeps_its_identity_when_another_changes(run_import):
    run_import(sample())
    kept = Slot.objects.filter(event__title__startswith="Atelier de design").order_by("starts_at").first()
    document = sample()
    event_of(document, WORKSHOP)["timings"].pop()

    run_import(document)

    assert Slot.objects.filter(event=kept.event).get().pk == kept.pk


def test_a_source_event_cancelled_later_is_cancelled_on_reimport(run_import):
    run_import(sample())
    document = sample()
    event_of(document, VISIT)["status"] = 6

    line = next(line for line in run_import(document) if line.uid == str(VISIT))

    assert line.outcome == "updated"
    assert Event.objects.get(pk=line.event_id).status == EventStatus.CANCELLED


def test_an_event_cancelled_here_is_not_restored_by_the_source(run_import):
    run_import(sample())
    document = sample()
    event_of(document, ROUND_TABLE)["status"] = 1
    event_of(document, ROUND_TABLE)["updatedAt"] = "2017-11-21T10:00:00.000Z"

    line = next(line for line in run_import(document) if line.uid == str(ROUND_TABLE))

    assert Event.objects.get(pk=line.event_id).status == EventStatus.CANCELLED
    assert "reste annulé" in line.message


def test_an_event_removed_from_the_source_is_reported_and_kept(run_import):
    run_import(sample())
    document = sample()
    document["events"] = [e for e in document["events"] if e["uid"] != VISIT]

    lines = by_outcome(run_import(document))

    assert [line.uid for line in lines["absent"]] == [str(VISIT)]
    assert Event.objects.filter(pk=lines["absent"][0].event_id).exists()


def test_a_failing_update_leaves_the_event_as_it_was(run_import):
    """The source drops a slot people registered to: the update is refused as a whole."""
    run_import(sample())
    event = Event.objects.get(title__startswith="Atelier de design")
    # a registration taken when the event was open (the 2017 slots are past now)
    Registration.objects.create(event=event, slot=event.slots.order_by("starts_at").last(),
                                email="a@example.fr", first_name="Ana", last_name="Lopez",
                                status=RegistrationStatus.CONFIRMED)
    document = sample()
    raw = event_of(document, WORKSHOP)
    raw["title"] = {"fr": "Nouveau titre"}
    raw["timings"].pop()

    line = next(line for line in run_import(document) if line.uid == str(WORKSHOP))

    assert line.outcome == "skipped" and "inscriptions" in line.message
    event.refresh_from_db()
    assert event.title.startswith("Atelier de design") and event.slots.count() == 2


def test_registration_on_the_platform_is_kept_when_the_source_has_none(run_import, editor):
    run_import(sample())
    event = Event.objects.get(title__startswith="Atelier de design")
    update_event(editor, event, fields={"registration_mode": RegistrationMode.PLATFORM})
    document = sample()
    event_of(document, WORKSHOP)["title"] = {"fr": "Atelier de design : l'accueil"}

    run_import(document)

    event.refresh_from_db()
    assert (event.title, event.registration_mode) == (
        "Atelier de design : l'accueil", RegistrationMode.PLATFORM)


def test_our_own_export_imported_into_its_programme_finds_the_same_events(
        run_import, programme):
    venue = factories.VenueFactory(organisation=programme.organisation)
    event = factories.EventFactory(organisation=programme.organisation, edition=programme.edition,
                                   programme=programme, venue=venue, languages=["fr"])
    document = openagenda.export_programme(programme, published_only=False)

    first = run_import(copy.deepcopy(document))
    second = run_import(document)

    assert [(line.outcome, line.event_id) for line in first] == [("unchanged", event.pk)]
    assert [line.outcome for line in second] == ["unchanged"]
    assert Event.objects.count() == 1


def test_the_same_source_in_another_organisation_is_another_event(run_import, programme,
                                                                   other_organisation, other_editor):
    run_import(sample())
    theirs = factories.ProgrammeFactory(edition=programme.edition, organisation=other_organisation)

    lines = openagenda.import_document(other_editor, theirs, sample())

    assert len(by_outcome(lines)["created"]) == 6
    assert Event.objects.count() == 12


def test_a_source_event_linked_meanwhile_by_another_run_is_not_imported_twice(run_import, programme):
    """Two runs import the same new source event at once: the one that links it second is
    refused by the link's unique constraint, and its event goes with its transaction."""
    from django.db.models.signals import post_save

    other = factories.EventFactory(edition=programme.edition, organisation=programme.organisation)
    competing = {}

    def other_run_links_it_first(sender, instance, created, **kwargs):
        if created and not competing and instance.title.startswith("Atelier de design"):
            competing["link"] = OpenAgendaLink.objects.create(
                organisation=programme.organisation, source_agenda=str(sample()["agenda"]["uid"]),
                source_uid=str(WORKSHOP), event=other, fingerprint="x")

    before = Event.objects.count()
    post_save.connect(other_run_links_it_first, sender=Event)
    try:
        lines = run_import(sample())
    finally:
        post_save.disconnect(other_run_links_it_first, sender=Event)
    line = next(line for line in lines if line.uid == str(WORKSHOP))
    assert line.outcome == "skipped" and "même moment" in line.message
    assert not Event.objects.filter(title__startswith="Atelier de design").exists()
    assert Event.objects.count() == before + 5
