"""Reads of the outbox that pages share: what could not be sent, what is still being sent."""

from django.db.models import Count, Max, Min, Q

from .models import Email, EmailStatus

PENDING = (EmailStatus.QUEUED, EmailStatus.SENDING)
#: failed e-mails listed by address on a page (the count covers them all)
FAILED_LISTED = 50


def email_report(emails) -> dict:
    """For a set of e-mails (an event's, an organisation's invitations): those that could not be
    sent, with their addresses and why, and how many are still being sent."""
    counts = emails.aggregate(
        failed=Count("pk", filter=Q(status=EmailStatus.FAILED)),
        pending=Count("pk", filter=Q(status__in=PENDING)),
        retrying=Count("pk", filter=Q(status__in=PENDING, attempts__gt=0)),
    )
    failed = []
    if counts["failed"]:
        failed = list(emails.filter(status=EmailStatus.FAILED).order_by("-created_at", "pk")
                      .values("to", "subject", "error", "created_at")[:FAILED_LISTED])
    return {**counts, "failed_emails": failed}


def message_outcomes(event, limit: int = 5) -> list[dict]:
    """The organiser's last messages to the attendees of ``event``: how many went, how many are
    on their way, how many could not be sent."""
    return list(
        Email.objects.filter(event=event, batch__isnull=False).values("batch")
        .annotate(subject=Min("subject"), created_at=Max("created_at"), total=Count("pk"),
                  sent=Count("pk", filter=Q(status=EmailStatus.SENT)),
                  pending=Count("pk", filter=Q(status__in=PENDING)),
                  failed=Count("pk", filter=Q(status=EmailStatus.FAILED)))
        .order_by("-created_at")[:limit]
    )
