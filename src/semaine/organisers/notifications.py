"""Who is told of a decision on an organisation: its members, with the coordinator's comment and
the link to their organiser space. When the e-mail leaves is ``accounts.notifications``'."""

from django.urls import reverse
from django.utils.translation import gettext as _

from semaine.accounts.notifications import absolute, notify, quote, render

from .models import Organisation, OrganisationStatus


def organisation_reviewed(organisation: Organisation, actor) -> int:
    approved = organisation.status == OrganisationStatus.APPROVED
    text = render(
        "organisers/email/organisation_approved.txt" if approved
        else "organisers/email/organisation_refused.txt",
        {"organisation": organisation, "quoted": quote(organisation.status_comment),
         "link": absolute(reverse("organisers:home"))},
    )
    subject = (_("%(name)s est validée") if approved
               else _("%(name)s n’est pas validée")) % {"name": organisation.name}
    return notify(organisation.members.order_by("pk"), subject=subject, text=text, actor=actor,
                  organisation=organisation)
