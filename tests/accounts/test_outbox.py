"""An e-mail that cannot be sent is retried, then shown to whoever caused it and counted by
/healthz: never left only in the worker's log. The mail server is a test backend that refuses
addresses (550) or drops the connection, as a real one does."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from semaine.accounts import outbox
from semaine.accounts.models import Email, EmailStatus
from semaine.agenda.models import Event, EventState
from semaine.registrations import privacy, services
from semaine.registrations.models import Registration, RegistrationStatus
from tests import factories

pytestmark = pytest.mark.django_db

REFUSED = "inconnu@example.fr"


@pytest.fixture(autouse=True)
def failing_server(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    settings.TEST_REFUSED_ADDRESSES = [REFUSED]
    settings.TEST_SMTP_DOWN = False
    return settings


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the outbox's tasks run at once in the tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def event(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                  state=EventState.PUBLISHED, registration_mode="platform",
                                  title="Atelier facilitation graphique")


def register(event, email, commit):
    with commit():
        return services.register(slot=event.slots.get(), email=email, first_name="Inès",
                                 last_name="Moreau", email_verified=True)


def test_an_address_the_server_refuses_is_marked_not_sent_with_its_reason_at_once(event, commit):
    register(event, REFUSED, commit)

    email = Email.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert "Le serveur de messagerie refuse cette adresse (550 5.1.1" in email.error
    assert mail.outbox == []


def test_a_server_that_is_down_is_tried_again_after_a_minute_then_sends(event, commit,
                                                                       failing_server):
    failing_server.TEST_SMTP_DOWN = True
    register(event, "ines@example.fr", commit)
    email = Email.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.QUEUED, 1)
    assert "SMTPServerDisconnected" in email.error

    failing_server.TEST_SMTP_DOWN = False
    assert outbox.retry_due(timezone.now() + timedelta(seconds=30)) == 0  # not yet
    assert outbox.retry_due(timezone.now() + timedelta(seconds=61)) == 1

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    assert mail.outbox[0].to == ["ines@example.fr"]


def test_the_delay_between_attempts_grows():
    assert [outbox.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 300, 1500]


def test_a_server_down_at_every_attempt_leaves_the_email_not_sent(event, commit, failing_server):
    failing_server.TEST_SMTP_DOWN = True
    register(event, "ines@example.fr", commit)
    later = timezone.now()
    for _attempt in range(5):
        later += timedelta(hours=1)
        outbox.retry_due(later)

    email = Email.objects.get()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 4)
    assert "n’a pas pu être joint" in email.error


def test_an_email_left_sending_by_a_worker_that_died_is_sent_by_another(event, commit):
    register(event, "ines@example.fr", commit)
    Email.objects.update(status=EmailStatus.SENDING, sent_at=None,
                         next_attempt_at=timezone.now() - timedelta(seconds=1))
    mail.outbox.clear()

    assert outbox.retry_due() == 1

    assert Email.objects.get().status == EmailStatus.SENT and len(mail.outbox) == 1


def test_an_event_title_stored_with_a_line_break_still_gets_its_emails_sent(event, commit):
    Event.objects.filter(pk=event.pk).update(title="Atelier\nfacilitation graphique")
    event.refresh_from_db()

    register(event, "ines@example.fr", commit)

    [sent] = mail.outbox
    assert sent.subject == "Inscription confirmée : Atelier facilitation graphique"


def test_the_attendee_list_shows_the_addresses_that_could_not_be_written_to(client, editor, event,
                                                                           commit):
    register(event, REFUSED, commit)
    client.force_login(editor)

    page = client.get(reverse("registrations:attendees", kwargs={"pk": event.pk})).text

    assert "1 courriel n’a pas pu être envoyé" in page
    assert REFUSED in page and "550 5.1.1" in page
    assert "Réessayer l’envoi" in page


def test_the_organiser_tries_again_once_the_address_is_accepted(client, editor, event, commit,
                                                                failing_server):
    register(event, REFUSED, commit)
    failing_server.TEST_REFUSED_ADDRESSES = []
    client.force_login(editor)

    with commit():
        response = client.post(reverse("registrations:retry_emails", kwargs={"pk": event.pk}),
                               follow=True)

    assert "1 courriel est de nouveau en cours d’envoi." in response.text
    assert Email.objects.get().status == EmailStatus.SENT and mail.outbox[0].to == [REFUSED]


def test_another_organisation_cannot_try_again_an_events_emails(client, other_editor, event, commit):
    register(event, REFUSED, commit)
    client.force_login(other_editor)

    response = client.post(reverse("registrations:retry_emails", kwargs={"pk": event.pk}))

    assert response.status_code == 403
    assert Email.objects.get().status == EmailStatus.FAILED


def test_a_message_to_attendees_is_announced_as_on_its_way_then_its_outcome_shows(
        client, editor, event, commit):
    register(event, "ines@example.fr", commit)
    register(event, REFUSED, commit)
    client.force_login(editor)
    url = reverse("registrations:message", kwargs={"pk": event.pk})

    with commit():
        response = client.post(url, {"subject": "Changement de salle", "body": "Salle B."})

    page = client.get(response.url).text
    assert "Message en cours d’envoi à 2 personnes" in page
    assert "Message envoyé" not in page
    assert re.search(r"Changement de salle</td><td>[^<]*</td><td>1 / 2</td><td>0</td><td>1</td>",
                     page)
    assert "2 courriels n’ont pas pu être envoyés" in page  # the confirmation and the message


def test_a_visitor_whose_confirmation_cannot_be_sent_is_told_and_can_try_again(
        client, event, commit, failing_server):
    data = {"slot": event.slots.get().pk, "first_name": "Inès", "last_name": "Moreau",
            "email": REFUSED, "website": ""}
    with commit():
        response = client.post(reverse("registrations:register",
                                       kwargs={"public_id": event.public_id}), data)
    page = client.get(response.url).text
    assert "Le courriel n’a pas pu être envoyé" in page and REFUSED in page
    assert "a été envoyé" not in page

    failing_server.TEST_REFUSED_ADDRESSES = []
    with commit():
        client.post(response.url)

    page = client.get(response.url).text
    assert "a été envoyé à inconnu@example.fr" in page
    assert "/inscriptions/confirmer/" in mail.outbox[0].body


def test_the_page_after_registering_says_when_the_email_is_still_on_its_way(client, event):
    data = {"slot": event.slots.get().pk, "first_name": "Inès", "last_name": "Moreau",
            "email": "ines@example.fr", "website": ""}
    response = client.post(reverse("registrations:register", kwargs={"public_id": event.public_id}),
                           data)  # not committed: the worker has not sent it yet

    page = client.get(response.url).text

    assert "Nous envoyons un courriel" in page and 'http-equiv="refresh"' in page


def test_a_tampered_email_status_link_shows_nothing(client, event, commit):
    register(event, "ines@example.fr", commit)

    response = client.get(reverse("accounts:email_status", kwargs={"token": "1:abc:def"}))

    assert response.status_code == 404 and "ines@example.fr" not in response.text


def test_a_new_organiser_whose_verification_cannot_be_sent_is_told(client, commit):
    from semaine.territory.models import Departement

    data = {"first_name": "Léa", "last_name": "Durand", "email": REFUSED,
            "password": "une phrase de passe solide", "organisation_name": "CHU de Caen",
            "organisation_kind": "hospital", "departement": Departement.objects.get(code="14").pk,
            "website": ""}
    with commit():
        response = client.post(reverse("accounts:signup"), data)

    assert "Le courriel n’a pas pu être envoyé" in client.get(response.url).text


def test_an_invitation_that_cannot_be_sent_shows_on_the_members_page(client, organisation, commit):
    from semaine.organisers.models import Role

    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    client.force_login(admin)
    url = reverse("organisers:members", kwargs={"slug": organisation.slug})

    with commit():
        client.post(url, {"email": REFUSED, "role": Role.EDITOR})

    page = client.get(url).text
    assert "Invitation en cours d’envoi" in page
    assert "1 courriel n’a pas pu être envoyé" in page and REFUSED in page


def test_healthz_counts_emails_not_sent_and_stays_up(client, event, commit):
    register(event, REFUSED, commit)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["emails"]["failed"] == 1


def test_healthz_counts_failed_tasks(client):
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(task_path="semaine.accounts.tasks.retry_emails", args_kwargs={},
                                status=TaskResultStatus.FAILED, priority=0, queue_name="default",
                                backend_name="default")

    assert client.get("/healthz").json()["tasks"] == {"failed": 1}


def test_sent_emails_are_pruned_after_a_day_and_failed_ones_kept(event, commit):
    register(event, "ines@example.fr", commit)
    register(event, REFUSED, commit)

    assert outbox.prune(timezone.now() + timedelta(days=2)) == 1

    assert list(Email.objects.values_list("status", flat=True)) == [EmailStatus.FAILED]


def test_erasing_ones_data_removes_the_emails_to_that_address(event, commit):
    register(event, REFUSED, commit)

    privacy.erase(REFUSED)

    assert not Email.objects.exists()
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED


def test_an_email_queued_for_a_retry_is_not_queued_again_before_its_new_deadline(event, commit):
    """A worker that falls behind is not handed the same e-mail again at every run of the job."""
    register(event, "ines@example.fr", commit)
    due = timezone.now() - timedelta(seconds=1)
    Email.objects.update(status=EmailStatus.QUEUED, next_attempt_at=due)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        assert outbox.retry_due() == 1
        assert outbox.retry_due() == 0  # the worker has not run it yet: not queued twice
        assert outbox.retry_due(timezone.now() + outbox.UNCLAIMED_AFTER + timedelta(seconds=1)) == 1
