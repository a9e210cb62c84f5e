"""Who is told of a decision on an organisation: its members, with the coordinator's comment and
the link to their organiser space. When the e-mail leaves is ``accounts.notifications``'."""

from django.urls import reverse
from django.utils.translation import gettext as _

from semaine.accounts.notifications import absolute, notify, quote, render

from .models import JoinRequest, JoinRequestState, Organisation, OrganisationStatus, Role


def organisation_reviewed(organisation: Organisation, actor) -> int:
    approved = organisation.status == OrganisationStatus.APPROVED
    text = render(
        "organisers/email/organisation_approved.txt" if approved
        else "organisers/email/organisation_refused.txt",
        {"organisation": organisation, "quoted": quote(organisation.status_comment),
         "link": absolute(reverse("organisers:home"))},
    )
    subject = (_("La coordination a validé %(name)s") if approved
               else _("La coordination n’a pas validé %(name)s")) % {"name": organisation.named}
    return notify(organisation.members.order_by("pk"), subject=subject, text=text, actor=actor,
                  organisation=organisation)


def join_requested(join_request: JoinRequest) -> int:
    """The organisation's admins are asked to decide on a request to join it."""
    organisation = join_request.organisation
    requester = join_request.requester
    who = requester.get_full_name() or requester.email
    if requester.get_full_name():
        who = f"{who} ({requester.email})"
    text = render("organisers/email/join_requested.txt", {
        "organisation": organisation, "requester": who, "quoted": quote(join_request.message),
        "link": absolute(reverse("organisers:members", kwargs={"slug": organisation.slug})),
    })
    admins = organisation.members.filter(memberships__role=Role.ADMIN).order_by("pk")
    subject = _("%(who)s demande à rejoindre %(name)s") % {"who": who, "name": organisation.named}
    return notify(admins, subject=subject, text=text, actor=requester)


def join_request_decided(join_request: JoinRequest, actor) -> int:
    """The requester is told what the admins decided."""
    organisation = join_request.organisation
    accepted = join_request.state == JoinRequestState.ACCEPTED
    if accepted:
        link = reverse("organisers:events", kwargs={"slug": organisation.slug})
        subject = _("Vous avez rejoint %(name)s")
    else:
        link = reverse("organisers:home")
        subject = _("Votre demande pour rejoindre %(name)s n’est pas acceptée")
    text = render(
        "organisers/email/join_request_accepted.txt" if accepted
        else "organisers/email/join_request_refused.txt",
        {"organisation": organisation, "quoted": quote(join_request.reason),
         "link": absolute(link)},
    )
    return notify([join_request.requester], subject=subject % {"name": organisation.named},
                  text=text, actor=actor)
