"""`semaine ledger verify URL` compares what a node publishes with what its log recorded."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction

from semaine import cli
from semaine.agenda.models import Event, EventState
from semaine.ledger import audit, compare
from semaine.ledger import services as ledger
from semaine.ledger.models import Entry
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(migrated_reference_data, edition, organisation):
    """Three published events, one with a venue and two slots, one cancelled; the log sealed."""
    venue = factories.VenueFactory(organisation=organisation)
    events = [
        factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED,
                               venue=venue, slots=2, access_hearing=True, languages=["fr", "en"]),
        factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED),
        factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED,
                               status="cancelled"),
    ]
    ledger.seal()
    return events


def _verify(capsys, url, *args):
    code = cli.main(["ledger", "verify", url, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err.splitlines()


def test_the_public_data_of_a_node_that_was_not_tampered_with_match_its_log(live_server, programme, capsys):
    code, out, err = _verify(capsys, f"{live_server.url}/ledger")
    assert (code, err) == (0, [])
    assert "3 événements publiés comparés à la dernière entrée de 3 événements enregistrés" in out


def test_a_title_changed_behind_the_platform_is_named_by_the_remote_verification(
    live_server, programme, capsys
):
    event = programme[0]
    Event.objects.filter(pk=event.pk).update(title="Titre réécrit en douce")
    cache.clear()  # the API's answers are kept a minute: what a visitor gets once they expire
    entry = Entry.objects.filter(subject=f"event:{event.public_id}").get()
    code, _out, err = _verify(capsys, f"{live_server.url}/ledger")
    assert code == 1
    assert err == [f"ÉCHEC : event:{event.public_id} (« Titre réécrit en douce »), entrée n° {entry.index} : "
                   f"titre (publié « Titre réécrit en douce », enregistré « {event.title} »)"]


def test_every_field_that_differs_is_named(live_server, programme, capsys):
    event = programme[1]
    Event.objects.filter(pk=event.pk).update(summary="Autre résumé", capacity=12)
    event.slots.update(capacity=3)
    cache.clear()
    _code, _out, err = _verify(capsys, f"{live_server.url}/ledger")
    (line,) = err
    assert "résumé (publié « Autre résumé », enregistré « Découvrir la facilitation graphique" in line
    assert 'inscription (publié « {"capacity":12,' in line
    assert "créneaux (publié" in line and '"capacity":3' in line


def test_events_published_but_never_recorded_or_recorded_but_gone_are_named(
    live_server, programme, edition, organisation
):
    gone = programme[2]
    Event.objects.filter(pk=gone.pk).delete()
    unrecorded = factories.EventFactory(edition=edition, organisation=organisation,
                                        state=EventState.PUBLISHED)
    cache.clear()
    url = f"{live_server.url}/ledger"
    report = audit.verify(audit.HttpSource(url), ledger.verifier(), keep_entries=True)
    index = Entry.objects.get(subject=f"event:{gone.public_id}").index
    data = compare.check_public_data(url, report.entries, grace=timedelta(0))
    assert data.problems == [
        f"event:{unrecorded.public_id} (« {unrecorded.title} ») : publié mais jamais enregistré au registre",
        f"event:{gone.public_id} (« {gone.title} »), entrée n° {index} : enregistré comme publié mais "
        "absent des données publiques",
    ]
    # within the sealing interval, an event just published is reported as waiting, not as a failure
    data = compare.check_public_data(url, report.entries)
    assert [line.split(" ")[0] for line in data.pending] == [f"event:{unrecorded.public_id}"]
    assert len(data.problems) == 1


def test_a_record_served_beside_the_log_must_hash_to_its_entry(live_server, programme, capsys):
    entry = Entry.objects.filter(subject=f"event:{programme[0].public_id}").get()
    Entry.objects.filter(pk=entry.pk).update(record=entry.record.replace(programme[0].title, "Autre"))
    code, _out, err = _verify(capsys, f"{live_server.url}/ledger")
    assert code == 1 and err == [
        f"ÉCHEC : entrée n° {entry.index} ({entry.subject}) : l’enregistrement servi par le nœud n’a pas "
        "le SHA-256 que l’entrée a scellé"]


def test_the_records_endpoint_serves_the_records_of_a_tile_of_sealed_entries(programme, client):
    with transaction.atomic():
        ledger.record("test.fact", "s:waiting", {"n": 1})  # not sealed: not served
    answer = client.get("/ledger/records/0.json").json()
    records = list(Entry.objects.exclude(index=None).order_by("index").values_list("record", flat=True))
    assert answer == {"first": 0, "records": records} and len(records) == 3
    assert json.loads(answer["records"][0])["state"] == "published"
    assert client.get("/ledger/records/1.json").status_code == 404


def test_the_demo_node_verifies_from_anywhere_with_its_public_data(
    live_server, migrated_reference_data, capsys
):
    from semaine.seed.demo import load_demo

    load_demo()
    code, out, err = _verify(capsys, f"{live_server.url}/ledger/")
    assert (code, err) == (0, [])
    assert "EN ATTENTE" not in out
    published = Event.objects.filter(state=EventState.PUBLISHED).count()
    assert published > 1
    assert f" : {published} événements publiés comparés" in out
