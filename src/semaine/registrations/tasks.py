"""Background work of registrations, run by `semaine worker`."""

from django.db import transaction
from django_tasks import task

from semaine.accounts import outbox
from semaine.accounts.models import EmailKind

from . import privacy, services
from .models import Registration


@task()
def anonymise_past_registrations() -> int:
    """Anonymise the registrations of slots past the retention period (schedule it daily)."""
    return privacy.anonymise_past()


@task()
def expire_waiting_list_offers() -> int:
    """Offers past their time limit go to the next person in line (every minute)."""
    return services.expire_offers()


@task()
def send_registration_reminders() -> int:
    """The day-before reminders (every quarter of an hour; each attendee once)."""
    return services.send_reminders()


@task()
def send_registration_email(registration_id: int, template: str, subject: str,
                            with_ics: bool = False, extra: dict | None = None) -> None:
    """Tasks queued before the outbox existed: the e-mail goes through the outbox now."""


    registration = Registration.objects.filter(pk=registration_id).first()
    if registration is None or privacy.is_erased(registration.email):  # erased meanwhile
        return
    with transaction.atomic():
        outbox.queue(to=registration.email, subject=subject, kind=EmailKind.REGISTRATION,
                     registration=registration, template=template, with_ics=with_ics,
                     extra=extra or {}, event=registration.event_id)


@task()
def record_closed_registrations() -> int:
    """Counts of the slots whose registration closed go to the public ledger (no names)."""
    return services.record_closed_registrations()
