import re

import pytest
from django.core import mail
from django.urls import reverse

from semaine.agenda.models import EventState
from semaine.registrations import services
from semaine.registrations.models import Registration, RegistrationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                  state=EventState.PUBLISHED, registration_mode="platform",
                                  capacity=1, title="Atelier facilitation graphique")


def url(event):
    return reverse("registrations:register", kwargs={"public_id": event.public_id})


def form_fields():
    return {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@example.fr",
            "website": ""}


def form(event, **extra):
    data = {"slot": event.slots.get().pk, "first_name": "Inès", "last_name": "Moreau",
            "email": "ines.moreau@example.fr", "website": ""}
    data.update(extra)
    return data


def test_a_visitor_registers_confirms_by_mail_and_cancels(client, event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(event), form(event))
    assert "Vérifiez votre messagerie" in client.get(response.url).text
    link = re.search(r"/inscriptions/confirmer/\S+/", mail.outbox[0].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = client.get(link, follow=True)
    assert "Inscrit" in ticket.text
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    client.post(reverse("registrations:cancel", kwargs={"token": registration.token}))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_signed_in_person_registers_in_one_step(client, event, editor):
    client.force_login(editor)
    response = client.post(url(event), form(event, email=editor.email), follow=True)
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    assert "Annuler mon inscription" in response.text


@pytest.mark.parametrize(("override", "message"), [
    ({"email": "pas-une-adresse"}, "Saisissez une adresse de courriel valide."),
    ({"first_name": ""}, "Ce champ est obligatoire."),
    ({"slot": "999999"}, "Sélectionnez un choix valide."),
    ({"website": "http://spam.example"}, "Ce champ doit rester vide."),
    ({"access_needs": ["teleportation"]}, "Sélectionnez un choix valide."),
])
def test_bad_input_is_explained_in_french_and_nothing_is_saved(client, event, override, message):
    response = client.post(url(event), form(event, **override))
    assert response.status_code == 200
    assert message in response.text
    assert not Registration.objects.exists()


def test_a_full_slot_puts_the_person_on_the_waiting_list(client, event):
    services.register(slot=event.slots.get(), email="a@example.fr", first_name="A", last_name="B",
                      email_verified=True)
    page = client.get(url(event))
    assert "complet, liste d’attente" in page.text


def test_an_invalid_or_tampered_link_gets_a_french_page(client):
    assert "Ce lien n’est pas valide." in client.get("/inscriptions/billet/abc/").text
    assert client.get("/inscriptions/confirmer/abc/").status_code == 400
    assert client.post("/inscriptions/place-liberee/abc/").status_code == 404


def test_an_event_without_platform_registration_has_no_form(client, edition, organisation):
    event = factories.EventFactory(edition=edition, organisation=organisation,
                                   state=EventState.PUBLISHED, registration_mode="none")
    assert client.get(url(event)).status_code == 404


def test_the_organiser_sees_attendees_and_exports_them_without_formulas(client, event, editor, other_editor):
    services.register(slot=event.slots.get(), email="x@example.fr", first_name="=HYPERLINK(1)",
                      last_name="Test", email_verified=True, access_needs=["sign_language"])
    attendees = reverse("registrations:attendees", kwargs={"pk": event.pk})
    client.force_login(other_editor)
    assert client.get(attendees).status_code == 403
    client.force_login(editor)
    page = client.get(attendees)
    assert "Interprétation en langue des signes : 1" in page.text
    export = client.get(attendees, {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in export
    header, row = export.splitlines()[:2]
    assert header.startswith("Créneau;Statut;Prénom;Nom;Adresse électronique;Besoins d’accessibilité")
    assert ";Inscrit;" in row and "Interprétation en langue des signes" in row
    assert "confirmed" not in export and "sign_language" not in export
    assert "\n=HYPERLINK" not in export and ";=HYPERLINK" not in export


def test_the_organiser_checks_an_attendee_in(client, event, editor):
    registration = services.register(slot=event.slots.get(), email="x@example.fr", first_name="Léo",
                                     last_name="Petit", email_verified=True)
    factories.move_slot(event.slots.get())
    client.force_login(editor)
    client.post(reverse("registrations:check_in", kwargs={"pk": registration.pk}))
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_registrations_are_rate_limited_per_email(client, event, settings):
    settings.SEMAINE_REGISTRATION_LIMIT_PER_EMAIL = 2
    for _ in range(2):
        client.post(url(event), form(event))
    response = client.post(url(event), form(event))
    assert "Trop de demandes" in response.text
    assert Registration.objects.count() == 1  # the same person: one registration anyway


def test_the_ticket_carries_a_signed_qr_code_the_organiser_scans(client, event, editor, other_editor):
    registration = services.register(slot=event.slots.get(), email="x@example.fr", first_name="Léa",
                                     last_name="Roux", email_verified=True)
    ticket = client.get(reverse("registrations:manage", kwargs={"token": registration.token}))
    assert "<svg" in ticket.text
    code = services.checkin_token(registration)
    scan = reverse("registrations:scan", kwargs={"code": code})
    factories.move_slot(event.slots.get())
    client.force_login(other_editor)
    assert client.get(scan).status_code == 403
    client.force_login(editor)
    assert "Léa Roux" in client.get(scan).text
    client.post(scan)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    certificate = client.get(reverse("registrations:certificate", kwargs={"token": registration.token}))
    assert "Attestation de présence" in certificate.text and "Léa Roux" in certificate.text


def test_a_tampered_qr_code_is_refused_in_french(client, event, editor):
    registration = services.register(slot=event.slots.get(), email="x@example.fr", first_name="Léa",
                                     last_name="Roux", email_verified=True)
    code = services.checkin_token(registration)
    forged = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    client.force_login(editor)
    response = client.get(reverse("registrations:scan", kwargs={"code": forged}))
    assert response.status_code == 400
    assert "Ce code n’est pas valable" in response.text
    assert client.get(reverse("registrations:scan", kwargs={"code": str(registration.pk)})).status_code == 400


def test_no_certificate_before_check_in(client, event):
    registration = services.register(slot=event.slots.get(), email="x@example.fr", first_name="Léa",
                                     last_name="Roux", email_verified=True)
    response = client.get(reverse("registrations:certificate", kwargs={"token": registration.token}))
    assert response.status_code == 404
    assert "une fois votre présence enregistrée" in response.text


def test_the_welcome_desk_finds_attendees_by_name(client, event, editor):
    services.register(slot=event.slots.get(), email="x@example.fr", first_name="Léa",
                      last_name="Roux", email_verified=True)
    client.force_login(editor)
    desk = reverse("registrations:desk", kwargs={"pk": event.pk})
    assert "Léa Roux" in client.get(desk, {"q": "roux"}).text
    assert "Personne de ce nom" in client.get(desk, {"q": "dupont"}).text


def test_the_organiser_asks_questions_and_a_required_answer_is_enforced(client, event, editor):
    questions = reverse("registrations:questions", kwargs={"pk": event.pk})
    client.force_login(editor)
    refused = client.post(questions, {"label": "Votre direction ?", "kind": "choice", "choices": "DRH"})
    assert "au moins deux choix" in refused.text
    client.post(questions, {"label": "Votre direction ?", "kind": "choice",
                            "choices": "DRH\nDSI\nRoutes", "required": "on"})
    client.post(questions, {"label": "Déjeuner sur place", "kind": "checkbox"})
    question, lunch = event.questions.all()
    client.logout()
    missing = client.post(url(event), form(event))
    assert "Ce champ est obligatoire." in missing.text
    assert not Registration.objects.exists()
    client.post(url(event), form(event, **{f"q_{question.pk}": "DSI", f"q_{lunch.pk}": "on"}))
    registration = Registration.objects.get()
    assert registration.answers == {str(question.pk): "DSI", str(lunch.pk): True}
    client.force_login(editor)
    export = client.get(reverse("registrations:attendees", kwargs={"pk": event.pk}), {"format": "csv"})
    assert "Votre direction ?" in export.content.decode("utf-8-sig")


def test_an_answer_outside_the_choices_is_refused_by_the_service(event, editor):
    from django.core.exceptions import ValidationError

    question = services.add_question(editor, event, label="Taille", kind="choice", choices="S\nM")
    with pytest.raises(ValidationError):
        services.register(slot=event.slots.get(), email="x@example.fr", first_name="A",
                          last_name="B", email_verified=True, answers={str(question.pk): "XXL"})
    assert not Registration.objects.exists()


def test_a_whole_event_registration_covers_every_slot(client, edition, organisation):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=2,
                                   state=EventState.PUBLISHED, registration_mode="platform",
                                   registration_per_slot=False, capacity=10)
    page = client.get(url(event))
    assert 'type="hidden" name="slot"' in page.text
    client.post(url(event), {**form_fields(), "slot": event.slots.order_by("starts_at").first().pk})
    registration = Registration.objects.get()
    ticket = client.get(reverse("registrations:manage", kwargs={"token": registration.token}))
    assert "Inscription à l’événement entier" in ticket.text


def test_the_xlsx_export_keeps_formulas_as_text(client, event, editor):
    from io import BytesIO

    from openpyxl import load_workbook

    services.register(slot=event.slots.get(), email="x@example.fr", first_name="=1+1",
                      last_name="@SUM(A1)", email_verified=True)
    client.force_login(editor)
    response = client.get(reverse("registrations:attendees", kwargs={"pk": event.pk}), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).active
    row = list(sheet[2])
    assert row[2].value == "=1+1" and row[2].data_type == "s"
    assert row[3].value == "@SUM(A1)" and row[3].data_type == "s"


def test_the_organiser_writes_to_every_attendee(client, event, editor, other_editor,
                                                django_capture_on_commit_callbacks):
    services.register(slot=event.slots.get(), email="x@example.fr", first_name="Léa",
                      last_name="Roux", email_verified=True)
    services.register(slot=event.slots.get(), email="y@example.fr", first_name="Tom",
                      last_name="Lee", email_verified=True)  # waiting list (capacity 1)
    url_message = reverse("registrations:message", kwargs={"pk": event.pk})
    client.force_login(other_editor)
    assert client.post(url_message, {"subject": "x", "body": "y"}).status_code == 403
    client.force_login(editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url_message, {"subject": "Changement de salle", "body": "Salle B, 2e étage."})
    assert [m.to for m in mail.outbox] == [["x@example.fr"]]
    assert "Salle B, 2e étage." in mail.outbox[0].body
    assert "Ce champ est obligatoire." in client.post(url_message, {"subject": "", "body": ""}).text


def test_a_signed_in_person_sees_their_registrations(client, event, editor):
    services.register(slot=event.slots.get(), email=editor.email, first_name="Camille",
                      last_name="Martin", email_verified=True)
    services.register(slot=event.slots.get(), email="other@example.fr", first_name="Autre",
                      last_name="Personne", email_verified=True)
    client.force_login(editor)
    page = client.get(reverse("registrations:mine"))
    assert page.text.count("Atelier facilitation graphique") == 1


def test_the_attendee_list_is_paginated_searchable_and_costs_the_same_queries_at_any_length(
    client, edition, organisation, editor, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from semaine.web.organiser import attendees as views

    monkeypatch.setattr(views, "ATTENDEES_PER_PAGE", 5)
    big = factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                 state=EventState.PUBLISHED, registration_mode="platform", capacity=50)
    attendees = reverse("registrations:attendees", kwargs={"pk": big.pk})
    client.force_login(editor)

    def register(n):
        for i in range(n):
            services.register(slot=big.slots.get(), email=f"p{i}-{n}@example.fr", first_name="Alex",
                              last_name=f"Nom{n}x{i}", email_verified=True)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(attendees).status_code == 200
        return len(ctx.captured_queries)

    register(3)
    few = count_queries()
    register(9)
    assert count_queries() == few
    factories.move_slot(big.slots.get())
    page = client.get(attendees)
    assert "12 inscriptions" in page.text and "1 / 3" in page.text
    assert page.text.count("Pointer<span") == 5
    assert client.get(attendees, {"page": 3}).text.count("Pointer<span") == 2
    assert client.get(attendees, {"page": 4}).status_code == 404
    found = client.get(attendees, {"q": "nom9x4"})
    assert "1 inscription" in found.text and "Nom9x4" in found.text and "Nom3x0" not in found.text


def test_opening_the_cancel_link_asks_first_and_cancels_nothing(client, event):
    registration = services.register(slot=event.slots.get(), email="a@example.fr", first_name="A",
                                     last_name="B", email_verified=True)
    cancel_url = reverse("registrations:cancel", kwargs={"token": registration.token})
    assert cancel_url in client.get(reverse("registrations:manage",
                                            kwargs={"token": registration.token})).text
    page = client.get(cancel_url)
    assert page.status_code == 200
    assert (f"Voulez-vous vraiment annuler votre inscription à « {event.title} » ?"
            in page.text.replace("&quot;", '"'))
    assert "Non, garder mon inscription" in page.text
    client.head(cancel_url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    response = client.post(cancel_url, follow=True)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert "Votre inscription est annulée." in response.text
    # once cancelled, the link leads back to the ticket
    assert client.get(cancel_url).url == reverse("registrations:manage",
                                                 kwargs={"token": registration.token})


def test_a_waiting_person_is_asked_about_leaving_the_waiting_list(client, event):
    services.register(slot=event.slots.get(), email="a@example.fr", first_name="A", last_name="B",
                      email_verified=True)
    waiting = services.register(slot=event.slots.get(), email="c@example.fr", first_name="C",
                                last_name="D", email_verified=True)
    page = client.get(reverse("registrations:cancel", kwargs={"token": waiting.token}))
    assert "Voulez-vous vraiment quitter la liste d’attente" in page.text


def test_a_wrong_cancel_link_is_explained(client):
    page = client.get(reverse("registrations:cancel", kwargs={"token": "nope"}))
    assert page.status_code == 404
    assert "Ce lien n’est pas valide." in page.text
