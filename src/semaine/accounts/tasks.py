"""E-mails go out from the background worker, never from the request (see ``outbox``)."""

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django_tasks import task

from . import notifications, outbox
from .models import EmailKind


@task()
def deliver_email(email_id: int) -> str | None:
    """Send one e-mail of the outbox; a failure is recorded on it and retried later."""
    return outbox.deliver(email_id)


@task()
def retry_emails() -> int:
    """E-mails whose retry time has come go back to the queue (every minute)."""
    return outbox.retry_due()


@task()
def send_email(to: str, subject: str, body: str, attachments: list | None = None) -> None:
    """Tasks queued before the outbox existed: the e-mail goes through the outbox now."""

    with transaction.atomic():
        outbox.queue(to=to, subject=subject, body=body, attachments=attachments,
                     kind=EmailKind.ACCOUNT)


@task()
def prune_finished_tasks() -> None:
    """Finished tasks keep their arguments (e-mail addresses and texts): drop them after a day,
    and sent e-mails with them."""

    outbox.prune()
    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        call_command("prune_db_task_results", "--queue-name", "*", "--min-age-days", "1",
                     verbosity=0)


@task()
def send_daily_digests() -> int:
    """Each person who chose a summary a day gets it once, after eight in the morning (every hour)."""
    return notifications.send_daily_digests()


@task()
def send_submission_digests() -> int:
    """Coordinators get one e-mail listing the events submitted since the last (every ten minutes)."""
    return notifications.send_submission_digests()
