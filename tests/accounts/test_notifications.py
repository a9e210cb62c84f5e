"""How follow-up e-mails leave: at once, or in one summary a day at eight (Paris time), as each
person chose in « Mon compte »."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from semaine.accounts import notifications, services
from semaine.accounts.models import Email, Notification, NotificationFrequency
from semaine.agenda import services as agenda_services
from tests import factories

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def daily(editor):
    services.set_notification_frequency(editor, NotificationFrequency.DAILY)
    return editor


def submitted(edition, organisation, editor, title):
    return agenda_services.submit_event(
        editor, factories.EventFactory(edition=edition, organisation=organisation, title=title))


def test_someone_who_chose_a_daily_summary_gets_nothing_at_once(
        daily, edition, organisation, coordinator, commit):
    event = submitted(edition, organisation, daily, "Atelier un")
    with commit():
        agenda_services.publish_event(coordinator, event)

    assert mail.outbox == []
    assert Notification.objects.get(user=daily).batch == "daily"


def test_the_daily_job_sends_each_person_one_summary_with_everything_then_nothing(
        daily, edition, organisation, coordinator, commit):
    colleague = factories.MembershipFactory(organisation=organisation).user
    services.set_notification_frequency(colleague, NotificationFrequency.DAILY)
    first = submitted(edition, organisation, daily, "Atelier un")
    second = submitted(edition, organisation, daily, "Atelier deux")
    agenda_services.publish_event(coordinator, first)
    agenda_services.return_event(coordinator, second, "Ajoutez une image.")
    tomorrow = datetime.now(PARIS).replace(hour=8, minute=30) + timedelta(days=1)

    with commit():
        assert notifications.send_daily_digests(tomorrow) == 2
    with commit():
        assert notifications.send_daily_digests(tomorrow + timedelta(hours=1)) == 0

    assert sorted(m.to[0] for m in mail.outbox) == sorted([daily.email, colleague.email])
    body = mail.outbox[0].body
    assert "« Atelier un » est publié" in body
    assert "« Atelier deux » vous est renvoyé pour correction" in body
    assert "> Ajoutez une image." in body
    assert mail.outbox[0].subject == "Votre résumé du jour sur la Semaine de l’innovation publique"


def test_the_daily_summary_waits_for_the_next_eight_oclock_in_paris(
        daily, edition, organisation, coordinator):
    agenda_services.publish_event(coordinator, submitted(edition, organisation, daily, "Atelier un"))
    now = timezone.now()
    next_eight = notifications.daily_cutoff(now) + timedelta(days=1)

    assert notifications.send_daily_digests(now) == 0
    assert notifications.send_daily_digests(next_eight - timedelta(minutes=1)) == 0
    assert notifications.send_daily_digests(next_eight) == 1
    assert timezone.localtime(next_eight, PARIS).hour == 8


def test_immediate_emails_say_where_to_choose_a_daily_summary(
        editor, edition, organisation, coordinator, commit):
    with commit():
        agenda_services.publish_event(coordinator, submitted(edition, organisation, editor, "Atelier"))
    assert reverse("accounts:account") in mail.outbox[0].body
    assert Email.objects.get().kind == "notification"


def test_the_preference_is_chosen_in_my_account(client, editor):
    client.force_login(editor)

    response = client.post(reverse("accounts:account"), {"notification_frequency": "daily"})

    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.notification_frequency == NotificationFrequency.DAILY
    page = client.get(reverse("accounts:account")).content.decode()
    assert "un résumé par jour" in page


def test_an_unknown_preference_is_refused_beside_the_field(client, editor):
    client.force_login(editor)

    response = client.post(reverse("accounts:account"), {"notification_frequency": "hourly"})

    assert response.status_code == 200
    assert response.context["notification_form"].errors["notification_frequency"]
    editor.refresh_from_db()
    assert editor.notification_frequency == NotificationFrequency.IMMEDIATE


def test_the_service_refuses_an_unknown_preference(editor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.set_notification_frequency(editor, "hourly")
