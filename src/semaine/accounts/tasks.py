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
