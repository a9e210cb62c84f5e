"""Who is told what in a consultation, when they must act: the organisation's members, of a
comment reported (the moderation queue) and of supports closed (the proposals to answer). The
authors and supporters of a proposal are told of its answer by ``services.answer_proposal``.
When the e-mail leaves is ``accounts.notifications``'."""

from django.urls import reverse
from django.utils.translation import gettext as _

from semaine.accounts.notifications import absolute, notify, quote, render


def comment_reported(comment) -> int:
    consultation = comment.consultation
    text = render("consultations/email/comment_reported.txt", {
        "consultation": consultation, "quoted": quote(comment.body),
        "link": absolute(reverse("consultations:moderation", kwargs={"slug": consultation.slug})),
    })
    return notify(consultation.organisation.members.order_by("pk"),
                  subject=_("Un commentaire est signalé : %(title)s") % {"title": consultation.title},
                  text=text)


def supports_closed(consultation, count: int, actor=None) -> int:
    text = render("consultations/email/supports_closed.txt", {
        "consultation": consultation, "count": count,
        "link": absolute(reverse("consultations:answers", kwargs={"slug": consultation.slug})),
    })
    return notify(consultation.organisation.members.order_by("pk"),
                  subject=_("Les soutiens sont clos : répondez aux propositions de %(title)s")
                  % {"title": consultation.title}, text=text, actor=actor)
