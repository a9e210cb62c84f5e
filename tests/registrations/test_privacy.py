import json
import logging
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

import pytest
from django.core import mail, signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from semaine.agenda.models import EventState, Slot
from semaine.registrations import privacy, services
from semaine.registrations.models import Registration, RegistrationStatus
from semaine.registrations.tasks import anonymise_past_registrations
from tests import factories

Status = RegistrationStatus
pytestmark = pytest.mark.django_db

EMAIL = "ines.moreau@example.fr"
REQUEST = reverse("privacy:request")


@pytest.fixture
def event(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation, slots=2,
                                  state=EventState.PUBLISHED, registration_mode="platform",
                                  capacity=1, title="Atelier design des politiques publiques")


@pytest.fixture
def slots(event):
    return list(event.slots.order_by("starts_at"))


def register(slot, email=EMAIL, last_name="Moreau", first_name="Inès", **extra):
    return services.register(slot=slot, email=email, first_name=first_name, last_name=last_name,
                             email_verified=True, **extra)


@pytest.fixture
def ines(slots):
    """Inès holds the only seat of the first slot and waits for the second one."""
    other = register(slots[1], email="premier@example.fr", first_name="Paul", last_name="Premier")
    seat = register(slots[0], access_needs=["wheelchair"], access_other="Rampe d’accès")
    waiting = register(slots[1])
    assert (other.status, seat.status, waiting.status) == (Status.CONFIRMED, Status.CONFIRMED,
                                                           Status.WAITLISTED)
    return seat, waiting


@pytest.fixture
def next_in_line(slots, ines):
    return register(slots[0], email="suivante@example.fr", first_name="Léa", last_name="Suivante")


def ask_link(client, capture, email=EMAIL):
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(REQUEST, {"email": email, "website": ""})
    return response


def link_of(message) -> str:
    return re.search(r"https?://\S+(/mes-donnees/\S+/)", message.body).group(1)


@pytest.fixture
def link(client, ines, django_capture_on_commit_callbacks):
    ask_link(client, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    return link_of(mail.outbox[0])


def main(response) -> str:
    """The page's own content: the header (CSRF token, nonce) is left aside."""
    return re.search(r"<main.*</main>", response.text, re.S).group(0)


def test_the_request_form_asks_for_an_address(client):
    response = client.get(REQUEST)
    assert response.status_code == 200
    assert 'name="email"' in response.text
    assert "Recevoir le lien" in response.text


def test_the_mailed_link_shows_the_persons_registrations_with_their_tickets(client, link, ines):
    response = client.get(link)
    assert response.status_code == 200
    assert response.text.count("Atelier design des politiques publiques") >= 2
    for registration in ines:
        assert reverse("registrations:manage", kwargs={"token": registration.token}) in response.text
    assert "Accès en fauteuil roulant" in response.text
    assert "Télécharger mes données (JSON)" in response.text
    assert "Effacer mes données" in response.text
    assert "premier@example.fr" not in response.text
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_export_is_a_json_download_of_every_registration(client, link, ines, editor):
    response = client.get(link + "export.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees-inscriptions.json"'
    data = json.loads(response.content)
    assert data["email"] == EMAIL
    assert [(r["status"], r["last_name"], r["email"]) for r in data["registrations"]] == [
        ("confirmed", "Moreau", EMAIL), ("waitlisted", "Moreau", EMAIL)]
    first = data["registrations"][0]
    assert first["event"]["title"] == "Atelier design des politiques publiques"
    assert first["event"]["url"].endswith(ines[0].event.get_absolute_url())
    assert first["slot"]["starts_at"].endswith(("+01:00", "+02:00"))  # Europe/Paris
    assert first["access_needs"] == ["wheelchair"]
    assert first["access_other"] == "Rampe d’accès"
    assert first["confirmed_at"] and first["cancelled_at"] is None
    assert data["account"] is None
    assert "premier@example.fr" not in response.content.decode()


def test_the_export_names_the_account_and_its_organisations(slots, editor, organisation):
    register(slots[0], email=editor.email)
    data = privacy.personal_data(editor.email.upper())
    assert data["account"]["email"] == editor.email
    assert data["account"]["organisations"] == [organisation.name]
    assert len(data["registrations"]) == 1


def test_the_erase_page_explains_before_erasing(client, link, ines):
    response = client.get(link + "effacer/")
    assert response.status_code == 200
    assert "les places libérées sont proposées" in response.text
    assert "définitif" in response.text
    assert Registration.objects.filter(email=EMAIL).count() == 2


def test_erasing_cancels_the_seats_and_offers_them_to_the_next_in_line(
    client, link, ines, next_in_line, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link + "effacer/")
    assert response.status_code == 200
    assert "2 inscriptions ont été anonymisées" in response.text
    seat, waiting = (Registration.objects.get(pk=r.pk) for r in ines)
    assert (seat.status, waiting.status) == (Status.CANCELLED, Status.CANCELLED)
    next_in_line.refresh_from_db()
    assert next_in_line.status == Status.OFFERED
    assert [m.to for m in mail.outbox] == [["suivante@example.fr"]]  # nothing sent to Inès


def test_erasing_leaves_neither_name_nor_address_in_the_database(client, link, ines, editor):
    Registration.objects.filter(pk=ines[0].pk).update(user=editor)
    client.post(link + "effacer/")
    assert not Registration.objects.filter(
        Q(email__icontains="moreau") | Q(last_name="Moreau") | Q(first_name="Inès")
        | Q(access_other__contains="Rampe") | Q(user=editor)
    ).exists()
    for registration in ines:
        erased = Registration.objects.get(pk=registration.pk)
        assert (erased.first_name, erased.last_name, erased.email) == (
            "—", "—", f"efface-{registration.pk}@invalid")
        assert (erased.access_needs, erased.access_other, erased.user) == ([], "", None)
        assert erased.token != registration.token  # the ticket link in old e-mails is dead


def test_erasing_keeps_the_counts_per_slot(client, link, ines, next_in_line, slots):
    def counts():
        return (Counter(Registration.objects.values_list("slot", flat=True)),
                [services.held_seats(slot) for slot in slots])

    before = counts()
    client.post(link + "effacer/")
    assert counts() == before


def test_a_link_stops_working_once_the_data_are_erased(client, link):
    client.post(link + "effacer/")
    assert client.get(link).status_code == 400
    assert client.post(link + "effacer/").status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, ines, django_capture_on_commit_callbacks
):
    known = ask_link(client, django_capture_on_commit_callbacks, EMAIL)
    assert len(mail.outbox) == 1
    unknown = ask_link(client, django_capture_on_commit_callbacks, "inconnue@example.fr")
    assert mail.outbox == []
    assert (known.status_code, main(known)) == (unknown.status_code, main(unknown))
    assert "Si des inscriptions sont enregistrées à cette adresse" in main(unknown)
    assert "inconnue@example.fr" not in unknown.text


def test_a_cancelled_registration_still_gets_the_link(slots, django_capture_on_commit_callbacks):
    services.cancel(register(slots[0]), notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.send_access_link("  INES.Moreau@example.fr ")
    assert [m.to for m in mail.outbox] == [[EMAIL]]


def test_the_honeypot_refuses_and_sends_nothing(client, ines, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST, {"email": EMAIL, "website": "http://spam.example"})
    assert "Ce champ doit rester vide." in response.text
    assert mail.outbox == []


def test_repeated_requests_for_one_address_stop_sending_but_answer_the_same(
    client, ines, django_capture_on_commit_callbacks
):
    first = ask_link(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            again = client.post(REQUEST, {"email": EMAIL, "website": ""})
    assert len(mail.outbox) == 3
    assert main(again) == main(first)


def test_no_address_appears_in_the_links_sent(client, link):
    body = mail.outbox[0].body
    urls = re.findall(r"https?://\S+", body)
    assert urls
    for url in urls:
        for form in (EMAIL, quote(EMAIL), quote(EMAIL, safe=""), "ines.moreau", "ines%2Emoreau"):
            assert form not in unquote(url).lower() and form not in url.lower()
    assert EMAIL not in unquote(link)


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # signature
    lambda t: str(int(t.split(":")[0]) + 1) + t[t.index(":"):],  # another registration
    lambda t: "x" + t,
    lambda t: t.split(":")[0],
    lambda t: "1" * 300 + ":" + t,
])
def test_a_tampered_link_is_refused_with_400(client, link, mangle):
    token = link.strip("/").split("/")[-1]
    bad = reverse("privacy:my_data", kwargs={"token": mangle(token)})
    for url in (bad, bad + "export.json", bad + "effacer/"):
        response = client.get(url)
        assert response.status_code == 400
        assert "Lien non valable" in response.text
        assert "Demander un nouveau lien" in response.text
    assert client.post(bad + "effacer/").status_code == 400
    assert Registration.objects.filter(email=EMAIL).count() == 2


def test_an_expired_link_is_refused_with_400(client, ines, monkeypatch):
    four_days_ago = signing.b62_encode(int(timezone.now().timestamp()) - 4 * 86400)
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: four_days_ago)
    token = privacy.make_token(ines[1])
    monkeypatch.undo()
    response = client.get(reverse("privacy:my_data", kwargs={"token": token}))
    assert response.status_code == 400
    assert "pas ou plus valable" in response.text


def test_a_link_signed_for_another_address_does_not_open_this_one(client, ines, slots):
    other = Registration.objects.get(email="premier@example.fr")
    forged = privacy._signer(EMAIL).sign(str(other.pk))  # Inès's key, someone else's row
    assert client.get(reverse("privacy:my_data", kwargs={"token": forged})).status_code == 400


def move_to_past(slot, days_ago):
    end = timezone.now() - timedelta(days=days_ago)
    Slot.objects.filter(pk=slot.pk).update(starts_at=end - timedelta(hours=2), ends_at=end)


def test_retention_anonymises_only_registrations_of_slots_past_the_period(ines, slots, settings):
    settings.SEMAINE_RETENTION_MONTHS = 12
    move_to_past(slots[0], 400)  # ended more than 12 months ago
    move_to_past(slots[1], 300)  # ended, but within the period
    assert privacy.anonymise_past() == 1
    old = Registration.objects.get(pk=ines[0].pk)
    assert (old.last_name, old.email, old.status) == ("—", f"efface-{old.pk}@invalid", Status.CONFIRMED)
    assert set(Registration.objects.filter(slot=slots[1]).values_list("last_name", flat=True)) == {
        "Premier", "Moreau"}
    assert privacy.anonymise_past(months=6) == 2


def test_retention_is_one_update_and_idempotent(ines, slots, django_assert_num_queries):
    move_to_past(slots[0], 800)
    move_to_past(slots[1], 800)
    with django_assert_num_queries(1):
        assert privacy.anonymise_past() == 3
    tokens = set(Registration.objects.values_list("token", flat=True))
    assert privacy.anonymise_past() == 0
    assert set(Registration.objects.values_list("token", flat=True)) == tokens
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 2  # counts survive


def test_the_scheduled_task_anonymises_past_registrations(ines, slots):
    move_to_past(slots[0], 800)
    result = anonymise_past_registrations.enqueue()
    assert result.return_value == 1
    assert Registration.objects.get(pk=ines[0].pk).last_name == "—"


def test_a_retention_month_ends_on_the_last_day_of_a_shorter_month():
    moment = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert privacy._months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert privacy._months_before(moment, 12).date().isoformat() == "2025-03-31"
    assert privacy._months_before(moment, 25).date().isoformat() == "2024-02-29"


def test_the_data_page_reads_a_bounded_number_of_rows(client, link, ines, edition, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(link)
    for n in range(3):
        more = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                      state=EventState.PUBLISHED, registration_mode="platform",
                                      title=f"Rencontre {n}")
        register(more.slots.get())
    with CaptureQueriesContext(connection) as many:
        response = client.get(link)
    assert "Rencontre 2" in response.text
    assert len(many) == len(few)


def test_answers_to_the_organisers_questions_are_exported_then_erased(ines):
    from semaine.registrations.models import Question

    question = Question.objects.create(event=ines[0].event, label="Votre service ?")
    Registration.objects.filter(pk=ines[0].pk).update(answers={str(question.pk): "Direction du numérique"})
    exported = privacy.personal_data(EMAIL)["registrations"][0]["answers"]
    assert exported == [{"question": "Votre service ?", "answer": "Direction du numérique"}]
    privacy.erase(EMAIL)
    assert Registration.objects.get(pk=ines[0].pk).answers == {}


def test_no_address_reaches_the_logs(client, ines, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    ask_link(client, django_capture_on_commit_callbacks)
    link = link_of(mail.outbox[0])
    ask_link(client, django_capture_on_commit_callbacks, "inconnue@example.fr")
    client.get(link)
    client.get(link + "export.json")
    client.post(link + "effacer/")
    client.get(link)  # now refused (400, logged as a bad request)
    privacy.anonymise_past()
    assert "erased on request: 2 registration(s)" in caplog.text
    assert "Bad Request: /mes-donnees/" in caplog.text
    assert "@example.fr" not in caplog.text and "Moreau" not in caplog.text
