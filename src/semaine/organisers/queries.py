"""Reads of the organisations that pages share."""

from semaine.accounts.models import Email, EmailKind, EmailStatus

#: failed decision e-mails listed on the coordination's page of organisations
FAILED_DECISIONS_LISTED = 20


def failed_decision_emails(limit: int = FAILED_DECISIONS_LISTED) -> list[Email]:
    """The e-mails telling an organisation's members of the coordination's decision on it that
    could not be sent, the latest first: the coordinators see them on the page where they
    decide (kept ``outbox.FAILED_KEPT_DAYS``)."""
    return list(Email.objects.filter(kind=EmailKind.NOTIFICATION, status=EmailStatus.FAILED,
                                     organisation__isnull=False, event__isnull=True)
                .order_by("-created_at", "-pk")[:limit])
