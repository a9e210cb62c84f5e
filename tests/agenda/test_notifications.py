"""Every moderation step someone must act on sends them an e-mail through the outbox, with the
link to the page where they act: the coordinators for a submission, the organisation's members
for a decision on their event (the coordinator's comment quoted), the members of organisations
with drafts when submissions reopen. Nobody is told of what they did themselves."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from semaine.accounts import notifications
from semaine.accounts.models import Notification
from semaine.agenda import services
from semaine.agenda.models import EventState
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit: the outbox's worker sends at once in the tests."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def colleague(organisation):
    return factories.MembershipFactory(organisation=organisation).user


@pytest.fixture
def draft(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation,
                                  title="Atelier données ouvertes")


@pytest.fixture
def submitted(draft, editor, commit):
    with commit():
        services.submit_event(editor, draft)
    mail.outbox.clear()
    return draft


def organiser_link(event):
    return settings.SITE_URL + reverse("organisers:event", kwargs={"pk": event.pk})


def sent_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_a_submission_reaches_the_editions_coordinators_in_the_next_gathered_email(
        draft, editor, coordinator, commit):
    with commit():
        services.submit_event(editor, draft)
    assert mail.outbox == []  # gathered: sent by the job of recent submissions

    with commit():
        assert notifications.send_submission_digests() == 1

    [message] = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject == "1 événement soumis à validation"
    assert "« Atelier données ouvertes », du Département de la Loire-Atlantique" in message.body
    assert settings.SITE_URL + reverse("coordination:review", kwargs={"pk": draft.pk}) in message.body


def test_several_submissions_go_to_a_coordinator_in_one_email_then_nothing_more(
        edition, organisation, editor, coordinator, commit):
    events = [factories.EventFactory(edition=edition, organisation=organisation) for _ in range(3)]
    with commit():
        for event in events:
            services.submit_event(editor, event)
    with commit():
        notifications.send_submission_digests()
    with commit():
        assert notifications.send_submission_digests() == 0

    [message] = mail.outbox
    assert message.subject == "3 événements soumis à validation"
    for event in events:
        assert event.title in message.body
    assert not Notification.objects.exists()


def test_a_coordinator_of_another_edition_is_not_told_of_a_submission(
        draft, editor, coordinator, commit):
    other = factories.CoordinationFactory().user
    with commit():
        services.submit_event(editor, draft)
        notifications.send_submission_digests()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert sent_to(other.email) == []


def test_a_return_tells_the_organisations_members_with_the_comment_and_the_events_page(
        submitted, editor, colleague, coordinator, other_editor, commit):
    with commit():
        services.return_event(coordinator, submitted, "Précisez le lieu.\nEt l’horaire.")

    assert sorted(m.to[0] for m in mail.outbox) == sorted([editor.email, colleague.email])
    message = sent_to(editor.email)[0]
    assert message.subject == "Votre événement « Atelier données ouvertes » vous est renvoyé pour correction"
    assert "> Précisez le lieu.\n> Et l’horaire." in message.body
    assert organiser_link(submitted) in message.body


def test_a_publication_tells_the_organisations_members_with_the_events_page(
        submitted, editor, coordinator, commit):
    with commit():
        services.publish_event(coordinator, submitted)

    [message] = mail.outbox
    assert message.to == [editor.email]
    assert message.subject == "Votre événement « Atelier données ouvertes » est publié"
    assert organiser_link(submitted) in message.body


def test_a_refusal_tells_the_organisations_members_with_the_reason(
        submitted, editor, coordinator, commit):
    with commit():
        services.refuse_event(coordinator, submitted, "Hors du thème de l’édition.")

    [message] = mail.outbox
    assert message.subject == "Votre événement « Atelier données ouvertes » est refusé"
    assert "> Hors du thème de l’édition." in message.body
    assert organiser_link(submitted) in message.body


def test_a_coordinator_who_is_also_a_member_is_not_told_of_their_own_decision(
        submitted, editor, coordinator, organisation, commit):
    factories.MembershipFactory(organisation=organisation, user=coordinator)
    with commit():
        services.publish_event(coordinator, submitted)
    assert [m.to for m in mail.outbox] == [[editor.email]]


def test_an_editor_who_is_also_a_coordinator_is_not_told_of_their_own_submission(
        draft, editor, coordinator, edition, commit):
    factories.CoordinationFactory(edition=edition, user=editor)
    with commit():
        services.submit_event(editor, draft)
        notifications.send_submission_digests()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_reopening_submissions_tells_the_members_of_organisations_with_drafts(
        draft, editor, other_editor, coordinator, edition, commit):
    with commit():
        services.reopen_submissions(coordinator, edition, timezone.now() + timedelta(days=3))

    [message] = mail.outbox
    assert message.to == [editor.email]
    assert message.subject == f"Les soumissions de « {edition.name} » sont rouvertes"
    assert f"- Atelier données ouvertes : {organiser_link(draft)}" in message.body


def test_the_return_comment_shows_at_the_top_of_the_event_in_the_organiser_space(
        client, submitted, editor, coordinator):
    services.return_event(coordinator, submitted, "Précisez le lieu.")
    client.force_login(editor)

    page = client.get(reverse("organisers:event", kwargs={"pk": submitted.pk})).content.decode()

    alert = page[page.index('id="retour-coordination"'):]
    alert = alert[:alert.index("</div>")]
    assert "Renvoyé pour correction le" in alert
    assert "Précisez le lieu." in alert


def test_the_return_comment_goes_once_the_event_is_submitted_again(
        client, submitted, editor, coordinator):
    services.return_event(coordinator, submitted, "Précisez le lieu.")
    client.force_login(editor)
    url = reverse("organisers:event", kwargs={"pk": submitted.pk})
    assert 'id="retour-coordination"' in client.get(url).content.decode()

    services.submit_event(editor, submitted)

    assert 'id="retour-coordination"' not in client.get(url).content.decode()
    submitted.refresh_from_db()
    assert submitted.state == EventState.SUBMITTED
