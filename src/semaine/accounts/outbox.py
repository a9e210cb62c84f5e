"""Every e-mail of the platform goes through the outbox: written in the database with the change
that causes it, sent by the background worker, retried with a growing delay when sending fails,
and, when it finally cannot be sent, shown to the person who caused it (the organiser on the
event's attendee list, the visitor on the page that follows their registration or sign-up, the
edition's coordination on its queue and the event's review page for a decision e-mail sent at
once) and counted by ``/healthz``. Nothing is left only in a log.

Sent e-mails are kept a day (their addresses and texts are personal data); e-mails that could
not be sent, ``FAILED_KEPT_DAYS`` days."""

import logging
import smtplib
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import BadHeaderError, EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.core.text import one_line

from .models import Email, EmailStatus

logger = logging.getLogger(__name__)

#: after this long in "sending", the worker that took the e-mail is taken for dead
SENDING_TIMEOUT = timedelta(minutes=10)
#: a queued e-mail whose task was lost (a crash between commit and enqueue) is queued again after
UNCLAIMED_AFTER = timedelta(minutes=5)
FAILED_KEPT_DAYS = 30

#: kind → function(email) that returns (body, attachments) for e-mails rendered by the worker
RENDERERS: dict[str, Callable] = {}


def attempts() -> int:
    return max(1, int(getattr(settings, "SEMAINE_EMAIL_ATTEMPTS", 4)))


def retry_delay(attempt: int) -> timedelta:
    """After the first failure one minute, then five, then twenty-five…"""
    base = float(getattr(settings, "SEMAINE_EMAIL_RETRY_SECONDS", 60))
    return timedelta(seconds=base * 5 ** (attempt - 1))


def queue(*, to: str, subject: str, kind: str, body: str = "", attachments=None, registration=None,
          template: str = "", with_ics: bool = False, extra: dict | None = None, event=None,
          organisation=None, batch: uuid.UUID | None = None) -> Email:
    """Record an e-mail in the current transaction; the worker sends it once it has committed.
    ``event`` and ``organisation`` (instances or ids) say whose pages show it if it fails."""
    email = Email.objects.create(
        kind=kind, to=to, subject=one_line(str(subject))[:255], body=body,
        attachments=[list(item) for item in attachments] if attachments else None,
        registration=registration, template=template, with_ics=with_ics, extra=extra or {},
        event_id=getattr(event, "pk", event), organisation_id=getattr(organisation, "pk", organisation),
        batch=batch,
        next_attempt_at=timezone.now() + UNCLAIMED_AFTER,
    )
    pk = email.pk
    transaction.on_commit(lambda: _enqueue(pk))
    return email


def _enqueue(pk: int) -> None:
    from .tasks import deliver_email  # tasks.py imports this module: a cycle, read at call time

    deliver_email.enqueue(pk)


def _claim(pk: int) -> bool:
    """Take the e-mail for this worker: queued, or left "sending" by a worker that died."""
    now = timezone.now()
    return bool(Email.objects.filter(
        Q(status=EmailStatus.QUEUED) | Q(status=EmailStatus.SENDING, next_attempt_at__lte=now), pk=pk,
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1,
             next_attempt_at=now + SENDING_TIMEOUT))


def message_of(email: Email) -> EmailMessage | None:
    """The message to send; None when there is nothing to send any more (the registrant's data
    were erased meanwhile)."""
    body, attachments = email.body, email.attachments
    if email.kind in RENDERERS and email.template:
        rendered = RENDERERS[email.kind](email)
        if rendered is None:
            return None
        body, attachments = rendered
    message = EmailMessage(email.subject, body, None, [email.to])  # one line since ``queue``
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    return message


def _permanent(error: Exception) -> bool:
    """The server refused the address itself: trying again will not change its answer."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, BadHeaderError | UnicodeError)


def explain(error: Exception) -> str:
    """Why an e-mail could not be sent, in French, with the server's own words."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(
            f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for code, text in error.recipients.values())
        return _("Le serveur de messagerie refuse cette adresse (%(answer)s).") % {"answer": answers}
    if isinstance(error, smtplib.SMTPException | OSError):
        return _("Le serveur de messagerie n’a pas pu être joint ou a refusé l’envoi (%(error)s).") % {
            "error": f"{type(error).__name__}: {error}"[:300]}
    return _("L’envoi a échoué sur une erreur inattendue (%(error)s).") % {
        "error": f"{type(error).__name__}: {error}"[:300]}


def deliver(pk: int) -> str | None:
    """Send one e-mail (a task's work): sent, queued again for later, or failed for good.
    Returns the status it ends in, None if another worker holds it or it was already sent."""
    if not _claim(pk):
        return None
    email = Email.objects.select_related("registration__event__venue", "registration__event__edition",
                                         "registration__slot").get(pk=pk)
    try:
        message = message_of(email)
        if message is None:
            email.delete()
            return None
        message.send()
    except Exception as error:  # noqa: BLE001 - any failure is recorded, retried and shown
        return _failed(email, error)
    Email.objects.filter(pk=pk).update(status=EmailStatus.SENT, sent_at=timezone.now(), error="",
                                       next_attempt_at=None)
    return EmailStatus.SENT


def _failed(email: Email, error: Exception) -> str:
    reason = explain(error)
    done = email.attempts >= attempts() or _permanent(error)
    status = EmailStatus.FAILED if done else EmailStatus.QUEUED
    Email.objects.filter(pk=email.pk).update(
        status=status, error=reason,
        next_attempt_at=None if done else timezone.now() + retry_delay(email.attempts))
    (logger.error if done else logger.warning)(
        "e-mail %s to %s %s after %s attempt(s): %s", email.pk, email.to,
        "failed" if done else "will be retried", email.attempts, reason)
    return status


@transaction.atomic
def retry_due(now=None) -> int:
    """Queue the e-mails whose retry time has come (and those whose worker died): a periodic job.
    Each is given a new deadline as it is queued, so a worker that falls behind is not sent the
    same e-mail again every minute."""
    now = now or timezone.now()
    due = list(Email.objects.select_for_update(skip_locked=True).filter(
        status__in=(EmailStatus.QUEUED, EmailStatus.SENDING), next_attempt_at__lte=now,
    ).values_list("pk", flat=True)[:1000])
    # one left "sending" past its deadline was abandoned by its worker: queued again
    Email.objects.filter(pk__in=due).update(status=EmailStatus.QUEUED,
                                            next_attempt_at=now + UNCLAIMED_AFTER)
    for pk in due:
        _enqueue(pk)  # the queue is in the same database: the task is written with the deadline
    return len(due)


@transaction.atomic
def send_again(emails) -> int:
    """E-mails that could not be sent are tried again, from a fresh count of attempts (the
    organiser's or the visitor's button, once the cause is fixed)."""
    pks = list(emails.filter(status=EmailStatus.FAILED).values_list("pk", flat=True))
    Email.objects.filter(pk__in=pks).update(status=EmailStatus.QUEUED, attempts=0, error="",
                                            next_attempt_at=timezone.now() + UNCLAIMED_AFTER)
    for pk in pks:
        transaction.on_commit(lambda pk=pk: _enqueue(pk))
    return len(pks)


def prune(now=None) -> int:
    """Sent e-mails after a day, failed ones after ``FAILED_KEPT_DAYS``: personal data go."""
    now = now or timezone.now()
    count, _ = Email.objects.filter(
        Q(status=EmailStatus.SENT, sent_at__lt=now - timedelta(days=1))
        | Q(status=EmailStatus.FAILED, created_at__lt=now - timedelta(days=FAILED_KEPT_DAYS))
    ).delete()
    return count


def counts() -> dict:
    """For ``/healthz``: e-mails that could not be sent, and those waiting for a retry."""
    now = timezone.now()
    return {
        "failed": Email.objects.filter(status=EmailStatus.FAILED).count(),
        "retrying": Email.objects.filter(status=EmailStatus.QUEUED, attempts__gt=0).count(),
        "overdue": Email.objects.filter(status__in=(EmailStatus.QUEUED, EmailStatus.SENDING),
                                        next_attempt_at__lt=now - UNCLAIMED_AFTER).count(),
    }




# --- the page that tells a visitor whether their e-mail left ------------------------------------

STATUS_SALT = "semaine.accounts.email-status"
#: how long the link to an e-mail's status page works
STATUS_LINK_SECONDS = 2 * 24 * 3600


def status_url(email: Email) -> str:
    """The page where the person who caused ``email`` (a visitor registering, someone signing
    up) sees whether it left, and sends it again if it could not be sent."""
    return reverse("accounts:email_status",
                   kwargs={"token": signing.dumps(email.pk, salt=STATUS_SALT)})


def from_status_token(token: str) -> Email | None:
    try:
        pk = signing.loads(token[:200], salt=STATUS_SALT, max_age=STATUS_LINK_SECONDS)
    except signing.BadSignature:
        return None
    return Email.objects.filter(pk=pk).first()
