"""E-mails go out from the background worker, never from the request."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def send_email(to: str, subject: str, body: str, attachments: list | None = None) -> None:
    """Attachments are (file name, text content, MIME type) triples."""
    message = EmailMessage(subject, body, None, [to])
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()


@task()
def prune_finished_tasks() -> None:
    """Finished tasks keep their arguments (e-mail addresses and texts): drop them after a day."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
        call_command("prune_db_task_results", "--queue-name", "*", "--min-age-days", "1",
                     verbosity=0)
