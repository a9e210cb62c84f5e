"""Who is told of each moderation step of an event, and what: the organisation's members of a
decision on their event (with the coordinator's comment), the edition's coordinators of a
submission, the members of organisations with drafts when submissions reopen. Each e-mail links
to the page where the next action is. When the e-mail leaves is ``accounts.notifications``'."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from semaine.accounts.notifications import absolute, notify, quote, render
from semaine.organisers.models import Organisation, OrganisationStatus

from .models import Edition, Event, EventState, HistoryAction

#: the decision → its e-mail's template and subject
_DECISIONS = {
    HistoryAction.PUBLISHED: ("agenda/email/event_published.txt",
                              gettext_noop("Votre événement « %(title)s » est publié")),
    HistoryAction.RETURNED: ("agenda/email/event_returned.txt",
                             gettext_noop("Votre événement « %(title)s » vous est renvoyé pour correction")),
    HistoryAction.REFUSED: ("agenda/email/event_refused.txt",
                            gettext_noop("Votre événement « %(title)s » est refusé")),
}


def _members(organisation: Organisation):
    return organisation.members.order_by("pk")


def event_submitted(event: Event, actor) -> int:
    """The edition's coordinators: an event waits for their review (gathered every few minutes)."""
    text = render("agenda/email/event_submitted.txt", {
        "event": event, "organisation": event.organisation,
        "link": absolute(reverse("coordination:review", kwargs={"pk": event.pk})),
    })
    subject = _("« %(title)s » est soumis à validation") % {"title": event.title}
    return notify(event.edition.coordinators.order_by("pk"), subject=subject, text=text,
                  actor=actor, submission=True)


def event_decided(event: Event, actor, action: str, comment: str = "") -> int:
    """The event's organisation: published, returned for correction or refused, with the
    coordinator's comment."""
    template, subject = _DECISIONS[action]
    text = render(template, {
        "event": event, "quoted": quote(comment),
        "link": absolute(reverse("organisers:event", kwargs={"pk": event.pk})),
    })
    subject = _(subject) % {"title": event.title}
    return notify(_members(event.organisation), subject=subject, text=text, actor=actor, event=event)


def submissions_reopened(edition: Edition, actor) -> int:
    """The members of each organisation with drafts in the edition: they may submit them again
    until the new date, each draft linked."""
    drafts = (Event.objects.filter(edition=edition, state=EventState.DRAFT,
                                   organisation__status=OrganisationStatus.APPROVED)
              .select_related("organisation").order_by("organisation_id", "title", "pk"))
    by_organisation: dict[int, list[Event]] = {}
    for event in drafts:
        by_organisation.setdefault(event.organisation_id, []).append(event)
    told = 0
    for events in by_organisation.values():
        organisation = events[0].organisation
        text = render("agenda/email/submissions_reopened.txt", {
            "edition": edition, "organisation": organisation,
            "drafts": [(event, absolute(reverse("organisers:event", kwargs={"pk": event.pk})))
                       for event in events],
        })
        subject = _("Les soumissions de « %(edition)s » sont rouvertes") % {"edition": edition.name}
        told += notify(_members(organisation), subject=subject, text=text, actor=actor)
    return told


def coordinator_added(edition: Edition, user, actor) -> int:
    """The new coordinator of an edition: what they now do, and where."""
    text = render("agenda/email/coordinator_added.txt", {
        "edition": edition, "actor": actor,
        "link": absolute(reverse("coordination:edition", kwargs={"slug": edition.slug})),
        "queue": absolute(reverse("coordination:queue")),
    })
    subject = _("Vous coordonnez « %(edition)s »") % {"edition": edition.name}
    return notify([user], subject=subject, text=text, actor=actor)
