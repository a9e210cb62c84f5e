"""Background work of registrations, run by `semaine worker`."""

from django_tasks import task

from . import privacy


@task()
def anonymise_past_registrations() -> int:
    """Anonymise the registrations of slots past the retention period (schedule it daily)."""
    return privacy.anonymise_past()


@task()
def expire_waiting_list_offers() -> int:
    """Offers past their time limit go to the next person in line (every minute)."""
    from . import services

    return services.expire_offers()


@task()
def send_registration_reminders() -> int:
    """The day-before reminders (every quarter of an hour; each attendee once)."""
    from . import services

    return services.send_reminders()


@task()
def forget_rate_counters() -> int:
    from semaine.ui.ratelimit import forget_old

    return forget_old()


@task()
def send_registration_email(registration_id: int, template: str, subject: str,
                            with_ics: bool = False, extra: dict | None = None) -> None:
    from semaine.accounts.tasks import send_email

    from . import services
    from .models import Registration

    registration = Registration.objects.select_related("event__venue", "event__edition",
                                                       "slot").filter(pk=registration_id).first()
    if registration is None or registration.email.endswith("@invalid"):  # erased meanwhile
        return
    body, attachments = services.render_email(registration, template, with_ics, extra or {})
    send_email.call(to=registration.email, subject=subject, body=body, attachments=attachments)


@task()
def record_closed_registrations() -> int:
    """Counts of the slots whose registration closed go to the public ledger (no names)."""
    from . import services

    return services.record_closed_registrations()
