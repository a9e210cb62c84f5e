"""The e-mails that tell people what they must act on (an event to review, a return to correct,
an organisation's decision), sent as each person chose in « Mon compte »: at once, or gathered in
one summary a day. The domains say who is told what (``agenda.notifications``,
``organisers.notifications``); this module decides when the e-mail leaves.

- « immédiat »: the e-mail is queued in the outbox, in the transaction of the change;
- « un résumé par jour »: the notification waits (``Notification``) until the daily job gathers a
  person's notifications into one e-mail, at ``DIGEST_HOUR`` (Paris time);
- submissions to the coordinators of an edition are gathered even for « immédiat » people: the
  job that runs every ``SUBMISSIONS_PERIOD`` sends each coordinator one e-mail listing the events
  submitted since the last one, so that a busy afternoon does not send dozens of e-mails.

Nobody is told of what they did themselves."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import outbox
from .models import EmailKind, Notification, NotificationBatch, NotificationFrequency

PARIS = ZoneInfo("Europe/Paris")
#: the daily summaries leave once the job has run after this hour (Paris time)
DIGEST_HOUR = 8
#: how often the coordinators' e-mail of recent submissions is sent (seconds)
SUBMISSIONS_PERIOD = 600


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def render(template: str, context: dict) -> str:
    """A notification's text, in the platform's language whatever the language of the page that
    caused it."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context).strip()


def quote(text: str) -> str:
    """A person's words quoted in an e-mail, each line after "> "."""
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def recipients(users, actor=None) -> list:
    """Each active person once, without the one who acted."""
    seen, people = set(), []
    for user in users:
        if user.pk in seen or not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        people.append(user)
    return people


def notify(users, *, subject: str, text: str, actor=None, submission: bool = False, event=None,
           organisation=None) -> int:
    """Tell ``users`` (but not ``actor``): ``text`` is the notification, its link included.
    Call it inside the transaction of the change. Returns how many people will be told. An
    e-mail sent at once about ``event`` or ``organisation`` is attached to it, so that if it
    cannot be sent the coordination that decided sees it (``agenda.queries`` and
    ``organisers.queries``, ``failed_decision_emails``)."""
    people = recipients(users, actor)
    for user in people:
        if user.notification_frequency == NotificationFrequency.DAILY:
            Notification.objects.create(user=user, batch=NotificationBatch.DAILY,
                                        subject=subject, text=text)
        elif submission:
            Notification.objects.create(user=user, batch=NotificationBatch.SUBMISSIONS,
                                        subject=subject, text=text)
        else:
            outbox.queue(to=user.email, subject=subject, kind=EmailKind.NOTIFICATION, event=event,
                         organisation=organisation,
                         body=render("accounts/email/notification.txt",
                                     {"text": text, "account_url": absolute(reverse("accounts:account"))}))
    return len(people)


def daily_cutoff(now: datetime) -> datetime:
    """The last ``DIGEST_HOUR`` o'clock in Paris at or before ``now``: notifications made before it
    go in today's summary, later ones in tomorrow's."""
    local = timezone.localtime(now, PARIS)
    cutoff = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if local < cutoff:
        cutoff -= timedelta(days=1)
    return cutoff


def _send_gathered(batch: str, before: datetime) -> int:
    """One e-mail per person with their waiting notifications of ``batch`` made before
    ``before``; the notifications go once their e-mail is in the outbox."""
    with transaction.atomic():
        waiting = list(Notification.objects.select_for_update(of=("self",), skip_locked=True)
                       .filter(batch=batch, created_at__lt=before).select_related("user")
                       .order_by("user_id", "created_at", "pk"))
        by_user: dict[int, list[Notification]] = {}
        for notification in waiting:
            by_user.setdefault(notification.user_id, []).append(notification)
        account_url = absolute(reverse("accounts:account"))
        for items in by_user.values():
            user = items[0].user
            with translation.override(settings.LANGUAGE_CODE):
                if batch == NotificationBatch.SUBMISSIONS:
                    subject = ngettext("%(n)s événement soumis à validation",
                                       "%(n)s événements soumis à validation", len(items)) % {"n": len(items)}
                else:
                    subject = _("Votre résumé du jour sur la Semaine de l’innovation publique")
                body = render_to_string("accounts/email/digest.txt", {
                    "items": items, "daily": batch == NotificationBatch.DAILY,
                    "account_url": account_url})
            outbox.queue(to=user.email, subject=subject, kind=EmailKind.NOTIFICATION, body=body)
        Notification.objects.filter(pk__in=[n.pk for n in waiting]).delete()
        return len(by_user)


def send_daily_digests(now: datetime | None = None) -> int:
    """The daily summaries: each person whose notifications wait gets one e-mail with all of them
    (a job run every hour; it sends once a day, after ``DIGEST_HOUR``)."""
    return _send_gathered(NotificationBatch.DAILY, daily_cutoff(now or timezone.now()))


def send_submission_digests(now: datetime | None = None) -> int:
    """The coordinators' e-mail of the events submitted since the last one (every
    ``SUBMISSIONS_PERIOD``)."""
    return _send_gathered(NotificationBatch.SUBMISSIONS, now or timezone.now())
