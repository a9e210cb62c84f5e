from datetime import UTC, datetime

import pytest
from django.urls import reverse

from semaine.accounts.models import Email, EmailStatus
from semaine.agenda.models import EventState, HistoryAction
from semaine.organisers.models import OrganisationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation,
                                  state=EventState.SUBMITTED, title="Hackathon du Calvados")


def test_the_queue_is_for_coordinators_only(client, editor, coordinator, submitted):
    client.force_login(editor)
    assert client.get(reverse("coordination:queue")).status_code == 403
    client.force_login(coordinator)
    response = client.get(reverse("coordination:queue"))
    assert response.status_code == 200
    assert "Hackathon du Calvados" in response.text


def test_the_deadlines_say_they_are_in_paris_time(client, coordinator, edition):
    edition.submission_deadline = datetime(2026, 12, 22, 7, 59, tzinfo=UTC)
    edition.submissions_reopened_until = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    edition.save()
    client.force_login(coordinator)
    for url in (reverse("coordination:queue"),
                reverse("coordination:edition", kwargs={"slug": edition.slug})):
        page = client.get(url).text
        assert "Date limite : 22 décembre 2026, 08:59 (heure de Paris)." in page, url
        assert "Rouvertes jusqu’au 1er juillet 2027, 10:00 (heure de Paris)." in page, url


def test_a_coordinator_publishes_from_the_review_page(client, coordinator, submitted):
    client.force_login(coordinator)
    response = client.post(reverse("coordination:review", kwargs={"pk": submitted.pk}),
                           {"decision": "publish", "comment": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == EventState.PUBLISHED


def test_returning_without_a_comment_shows_a_french_error(client, coordinator, submitted):
    client.force_login(coordinator)
    response = client.post(reverse("coordination:review", kwargs={"pk": submitted.pk}),
                           {"decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "Expliquez votre décision" in response.text
    submitted.refresh_from_db()
    assert submitted.state == EventState.SUBMITTED


def test_an_editor_cannot_publish_by_posting_to_the_review_page(client, editor, submitted):
    client.force_login(editor)
    response = client.post(reverse("coordination:review", kwargs={"pk": submitted.pk}),
                           {"decision": "publish"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == EventState.SUBMITTED


def test_the_history_shows_on_the_event_for_its_organiser(client, coordinator, editor, submitted):
    client.force_login(coordinator)
    client.post(reverse("coordination:review", kwargs={"pk": submitted.pk}),
                {"decision": "refuse", "comment": "Ce n'est pas de l'innovation publique."})
    assert submitted.history.filter(action=HistoryAction.REFUSED).exists()
    client.force_login(editor)
    response = client.get(reverse("organisers:event", kwargs={"pk": submitted.pk}))
    assert "Ce n&#x27;est pas de l&#x27;innovation publique." in response.text


def test_a_coordinator_approves_an_organisation(client, coordinator):
    pending = factories.OrganisationFactory(status=OrganisationStatus.PENDING, name="CHU de Nantes")
    client.force_login(coordinator)
    assert "CHU de Nantes" in client.get(reverse("coordination:organisations")).text
    client.post(reverse("coordination:organisation_decision", kwargs={"pk": pending.pk}),
                {"decision": "approve"})
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.APPROVED


def test_an_editor_cannot_approve_an_organisation(client, editor):
    pending = factories.OrganisationFactory(status=OrganisationStatus.PENDING)
    client.force_login(editor)
    response = client.post(reverse("coordination:organisation_decision", kwargs={"pk": pending.pk}),
                           {"decision": "approve"})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.PENDING


def test_the_queue_shows_another_coordinated_edition_when_asked(client, coordinator, organisation):
    upcoming = factories.EditionFactory(name="Mois de l’innovation publique")
    factories.CoordinationFactory(edition=upcoming, user=coordinator)
    factories.EventFactory(edition=upcoming, organisation=organisation, title="Atelier à venir",
                           state=EventState.SUBMITTED)
    client.force_login(coordinator)
    assert "Atelier à venir" not in client.get(reverse("coordination:queue")).text
    response = client.get(reverse("coordination:queue"), {"edition": upcoming.slug})
    assert "Atelier à venir" in response.text
    assert response.context["edition"] == upcoming
    # an edition they do not coordinate is not shown: theirs instead
    stranger = factories.EditionFactory()
    factories.EventFactory(edition=stranger, organisation=organisation, title="Ailleurs",
                           state=EventState.SUBMITTED)
    assert "Ailleurs" not in client.get(reverse("coordination:queue"),
                                        {"edition": stranger.slug}).text


def test_a_decision_returns_to_the_queue_of_the_events_edition(client, coordinator, submitted):
    client.force_login(coordinator)
    response = client.post(reverse("coordination:review", kwargs={"pk": submitted.pk}),
                           {"decision": "publish", "comment": ""})
    assert response.url == f"{reverse('coordination:queue')}?edition={submitted.edition.slug}"


def test_a_decision_email_that_cannot_be_sent_shows_to_the_coordinator(
        client, settings, coordinator, editor, submitted, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    settings.TEST_REFUSED_ADDRESSES = [editor.email]
    client.force_login(coordinator)
    review = reverse("coordination:review", kwargs={"pk": submitted.pk})
    with django_capture_on_commit_callbacks(execute=True):  # the worker tries at once
        client.post(review, {"decision": "publish", "comment": ""})
    [email] = Email.objects.filter(to=editor.email)
    assert email.status == EmailStatus.FAILED
    told = f"Le courriel à {editor.email} n’a pas pu être envoyé"
    queue = client.get(reverse("coordination:queue"), {"edition": submitted.edition.slug})
    assert told in queue.text and review in queue.text
    page = client.get(review)
    assert told in page.text and "Réessayer l’envoi" in page.text
    # another edition's coordinator is told nothing
    client.force_login(factories.CoordinationFactory().user)
    assert told not in client.get(reverse("coordination:queue")).text
    # the organiser's attendee list speaks of the attendees' e-mails only
    client.force_login(editor)
    attendees = client.get(reverse("registrations:attendees", kwargs={"pk": submitted.pk}))
    assert editor.email not in attendees.text
    assert client.post(review, {"retry_emails": "1"}).status_code == 403
    # once the address is fixed, the coordinator sends it again
    settings.TEST_REFUSED_ADDRESSES = []
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"retry_emails": "1"})
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert told not in client.get(reverse("coordination:queue")).text


def test_an_organisation_decision_email_that_cannot_be_sent_shows_to_the_coordinators(
        client, settings, coordinator, django_capture_on_commit_callbacks):
    pending = factories.OrganisationFactory(status=OrganisationStatus.PENDING, name="CHU de Nantes")
    member = factories.MembershipFactory(organisation=pending).user
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    settings.TEST_REFUSED_ADDRESSES = [member.email]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("coordination:organisation_decision", kwargs={"pk": pending.pk}),
                    {"decision": "approve"})
    assert Email.objects.get(to=member.email).status == EmailStatus.FAILED
    page = client.get(reverse("coordination:organisations")).text
    assert f"Le courriel à {member.email} n’a pas pu être envoyé" in page
    assert "Vous avez validé le CHU de Nantes." in page
