"""Every write on consultations.

A support is given under a row lock on the person's account, then on the proposal
(`SELECT … FOR UPDATE`, always in that order): two supports by one person never both pass the
per-person limit, and the proposal's count moves one support at a time; the unique constraint on
(proposal, person) stops a support counted twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semaine.accounts import outbox
from semaine.accounts.models import EmailKind
from semaine.agenda.models import PARIS, Event
from semaine.core import ratelimit
from semaine.core.cache import content_changed

from . import ledger, notifications
from .models import (
    BODY_MAX,
    Alignment,
    Answer,
    Category,
    Comment,
    Consultation,
    Phase,
    Proposal,
    ProposalState,
    Report,
    Support,
)
from .permissions import require_participant, require_runner

#: comments (and replies) one person may write per hour
COMMENTS_PER_HOUR = 20

CONSULTATION_FIELDS = (
    "title", "question", "context", "people_concerned", "departement", "edition",
    "information_starts", "information_ends", "proposals_starts", "proposals_ends",
    "supports_starts", "supports_ends", "analysis_starts", "analysis_ends", "answers_starts",
    "answers_ends", "proposals_per_person", "supports_per_person", "support_threshold",
    "threshold_accumulates",
)


def _text(value: str, field: str, *, required=True, limit=BODY_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Ce champ est obligatoire.")})
    if len(value) > limit:
        raise ValidationError({field: _("%(n)s caractères au plus.") % {"n": limit}})
    return value


def _unique_slug(title: str) -> str:
    base = slugify(title)[:50].strip("-") or "consultation"
    slug, n = base, 1
    while Consultation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _set_categories(consultation: Consultation, names) -> None:
    wanted = []
    for name in names or ():
        name = name.strip()[:100]
        if name and name.lower() not in (w.lower() for w in wanted):
            wanted.append(name)
    existing = {c.name: c for c in consultation.categories.all()}
    for position, name in enumerate(wanted):
        category = existing.pop(name, None)
        if category is None:
            Category.objects.create(consultation=consultation, name=name, position=position)
        elif category.position != position:
            category.position = position
            category.save(update_fields=["position"])
    for category in existing.values():  # its proposals stay, without a category
        category.delete()


def _set_workshops(consultation: Consultation, workshops) -> None:
    if workshops is None:
        return
    workshops = list(workshops)
    foreign = [w for w in workshops if w.organisation_id != consultation.organisation_id]
    if foreign:
        raise ValidationError({"workshops": _("Un atelier lié doit être un événement de "
                                              "l’organisation qui mène la consultation.")})
    consultation.workshops.set(workshops)


@transaction.atomic
def create_consultation(actor, organisation, *, categories=(), workshops=None, **fields):
    require_runner(actor, organisation)
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    consultation = Consultation(organisation=organisation, created_by=actor, **fields)
    consultation.slug = _unique_slug(consultation.title)
    consultation.full_clean()
    consultation.save()
    _set_categories(consultation, categories)
    _set_workshops(consultation, workshops)
    content_changed()  # the workshops' pages name the consultation
    return consultation


@transaction.atomic
def update_consultation(actor, consultation, *, categories=None, workshops=None, **fields):
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    require_runner(actor, consultation.organisation)
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.full_clean()
    consultation.save()
    if categories is not None:
        _set_categories(consultation, categories)
    _set_workshops(consultation, workshops)
    content_changed()  # the workshops' pages name the consultation
    return consultation


# --- proposals -----------------------------------------------------------------------------------


def _day(now=None):
    """The day of ``now`` in Paris."""
    return (now or timezone.now()).astimezone(PARIS).date()


def _require_phase(consultation, phase, message, now=None) -> None:
    if consultation.phase_at(now) != phase:
        raise ValidationError(message)


def _proposal_fields(consultation, title, body, category, commune) -> dict:
    if category is not None and category.consultation_id != consultation.pk:
        raise ValidationError({"category": _("Cette catégorie n’est pas celle de la consultation.")})
    return {"title": _text(title, "title", limit=150), "body": _text(body, "body"),
            "category": category, "commune": _text(commune, "commune", required=False, limit=120)}


@transaction.atomic
def propose(user, consultation, *, title, body, category=None, commune="", now=None) -> Proposal:
    """A signed-in person with a confirmed address proposes, during the proposals phase, within
    the consultation's limit per person (counted under a lock on their account)."""
    require_participant(user)
    _require_phase(consultation, Phase.PROPOSALS,
                   _("Les propositions ne sont pas ouvertes pour cette consultation."), now)
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    made = Proposal.objects.filter(consultation=consultation, author=user,
                                   state=ProposalState.PUBLISHED).count()
    if made >= consultation.proposals_per_person:
        raise ValidationError(_("Vous avez déjà fait %(n)s propositions, le nombre maximal pour "
                                "cette consultation.") % {"n": consultation.proposals_per_person})
    return Proposal.objects.create(consultation=consultation, author=user,
                                   **_proposal_fields(consultation, title, body, category, commune))


@transaction.atomic
def enter_workshop_proposal(actor, consultation, workshop: Event, *, title, body, category=None,
                            commune="") -> Proposal:
    """A facilitator of the organisation enters a proposal that came out of a workshop: it is
    attributed to the workshop, not to a person."""
    require_runner(actor, consultation.organisation)
    if not consultation.workshops.filter(pk=workshop.pk).exists():
        raise ValidationError({"workshop": _("Cet atelier n’alimente pas cette consultation.")})
    return Proposal.objects.create(consultation=consultation, workshop=workshop,
                                   **_proposal_fields(consultation, title, body, category, commune))


def _lock_proposal(proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related(
        "consultation__organisation").get(pk=proposal.pk)


def can_edit(user, proposal) -> bool:
    return (user.is_authenticated and proposal.author_id == user.pk and proposal.is_published
            and proposal.supports_count == 0 and proposal.comments_count == 0)


@transaction.atomic
def edit_proposal(user, proposal, *, title, body, category=None, commune="") -> Proposal:
    """The author edits, until the proposal's first support or comment."""
    proposal = _lock_proposal(proposal)
    if not user.is_authenticated or proposal.author_id != user.pk:
        raise PermissionDenied(_("Seul l’auteur peut modifier cette proposition."))
    if not can_edit(user, proposal):
        raise ValidationError(_("Cette proposition a reçu un soutien ou un commentaire : elle ne "
                                "peut plus être modifiée."))
    for name, value in _proposal_fields(proposal.consultation, title, body, category,
                                        commune).items():
        setattr(proposal, name, value)
    proposal.save()
    return proposal


@transaction.atomic
def withdraw_proposal(user, proposal) -> Proposal:
    proposal = _lock_proposal(proposal)
    if not user.is_authenticated or proposal.author_id != user.pk:
        raise PermissionDenied(_("Seul l’auteur peut retirer cette proposition."))
    if proposal.state == ProposalState.WITHDRAWN:
        return proposal
    proposal.state = ProposalState.WITHDRAWN
    proposal.withdrawn_at = timezone.now()
    proposal.save(update_fields=["state", "withdrawn_at", "updated_at"])
    return proposal


# --- supports ------------------------------------------------------------------------------------


@transaction.atomic
def support(user, proposal, *, now=None) -> Support:
    """One support of ``user`` for ``proposal``: during the supports phase, on a published
    proposal, within the limit per person and, unless it accumulates, the proposal's threshold."""
    require_participant(user)
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    consultation = Consultation.objects.get(pk=proposal.consultation_id)
    # The proposal's row is held for the whole check only where a threshold stops the supports;
    # otherwise supports of one popular proposal do not queue behind each other: the person's
    # row orders their own supports, the unique constraint refuses a second one, and the count
    # is raised in place at the end.
    if consultation.support_threshold is not None and not consultation.threshold_accumulates:
        proposal = _lock_proposal(proposal)
    else:
        proposal = Proposal.objects.select_related("consultation__organisation").get(pk=proposal.pk)
    consultation = proposal.consultation
    if consultation.supports_closed_at or consultation.phase_at(now) != Phase.SUPPORTS:
        raise ValidationError(_("Les soutiens ne sont pas ouverts pour cette consultation."))
    if not proposal.is_published:
        raise ValidationError(_("Cette proposition a été retirée : elle ne peut plus être soutenue."))
    if Support.objects.filter(proposal=proposal, user=user).exists():
        raise ValidationError(_("Vous soutenez déjà cette proposition."))
    limit = consultation.supports_per_person
    if limit is not None and Support.objects.filter(consultation=consultation,
                                                    user=user).count() >= limit:
        raise ValidationError(_("Vous avez donné vos %(n)s soutiens, le nombre maximal pour cette "
                                "consultation : retirez-en un pour soutenir cette proposition.")
                              % {"n": limit})
    threshold = consultation.support_threshold
    if (threshold is not None and not consultation.threshold_accumulates
            and proposal.supports_count >= threshold):
        raise ValidationError(_("Cette proposition a atteint son seuil de soutiens."))
    try:
        with transaction.atomic():
            created = Support.objects.create(consultation=consultation, proposal=proposal, user=user)
    except IntegrityError as error:
        raise ValidationError(_("Vous soutenez déjà cette proposition.")) from error
    Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") + 1)
    return created


@transaction.atomic
def withdraw_support(user, proposal, *, now=None) -> None:
    """Take back one's support, during the supports phase."""
    require_participant(user)
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    proposal = _lock_proposal(proposal)
    consultation = proposal.consultation
    if consultation.supports_closed_at or consultation.phase_at(now) != Phase.SUPPORTS:
        raise ValidationError(_("Les soutiens ne sont pas ouverts pour cette consultation."))
    deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") - 1)


@transaction.atomic
def close_supports(actor, consultation, *, now=None) -> int:
    """Close the supports of a consultation whose supports phase is over (``actor`` None: the
    scheduled job) and record each published proposal's count in the public ledger, once."""
    consultation = Consultation.objects.select_for_update(of=("self",)).select_related(
        "organisation").get(pk=consultation.pk)
    if actor is not None:
        require_runner(actor, consultation.organisation)
    if consultation.supports_closed_at:
        return 0
    if _day(now) <= consultation.supports_ends:
        raise ValidationError(_("La phase des soutiens n’est pas encore terminée."))
    proposals = list(consultation.proposals.filter(state=ProposalState.PUBLISHED).order_by("pk"))
    ledger.record_supports(consultation, proposals)
    consultation.supports_closed_at = timezone.now()
    consultation.save(update_fields=["supports_closed_at"])
    notifications.supports_closed(consultation, len(proposals), actor)
    return len(proposals)


def close_finished_supports(now=None) -> int:
    """The scheduled job: close the supports of every consultation whose phase has ended."""
    closed = 0
    for consultation in Consultation.objects.filter(supports_closed_at__isnull=True,
                                                    supports_ends__lt=_day(now)):
        closed += close_supports(None, consultation, now=now)
    return closed


# --- comments ------------------------------------------------------------------------------------


def comments_open(consultation, now=None) -> bool:
    return consultation.phase_at(now) in (Phase.INFORMATION, Phase.PROPOSALS, Phase.SUPPORTS)


@transaction.atomic
def comment(user, consultation, *, body, alignment=Alignment.NEUTRAL, proposal=None, parent=None,
            now=None) -> Comment:
    """A comment on the consultation or on one of its proposals, or a reply to a comment (two
    levels: a reply to a reply answers its parent)."""
    require_participant(user)
    if not comments_open(consultation, now):
        raise ValidationError(_("Les commentaires sont fermés pour cette consultation."))
    if alignment not in Alignment.values:
        raise ValidationError({"alignment": _("Choisissez pour, contre ou neutre.")})
    body = _text(body, "body")
    if proposal is not None:
        proposal = _lock_proposal(proposal)
        if proposal.consultation_id != consultation.pk:
            raise ValidationError(_("Cette proposition n’est pas de cette consultation."))
        if not proposal.is_published:
            raise ValidationError(_("Cette proposition a été retirée."))
    if parent is not None:
        if parent.consultation_id != consultation.pk or parent.proposal_id != getattr(proposal, "pk", None):
            raise ValidationError(_("Ce commentaire n’est pas de cette discussion."))
        if parent.parent_id is not None:
            parent = parent.parent
    if not ratelimit.hit("consultation-comment", str(user.pk), limit=COMMENTS_PER_HOUR, period=3600):
        raise ValidationError(_("Trop de commentaires en peu de temps : réessayez dans une heure."))
    created = Comment.objects.create(consultation=consultation, proposal=proposal, parent=parent,
                                     author=user, body=body, alignment=alignment)
    if proposal is not None:
        Proposal.objects.filter(pk=proposal.pk).update(comments_count=F("comments_count") + 1)
    return created


@transaction.atomic
def report_comment(user, comment) -> bool:
    """Flag a comment for moderation; True the first time this person does."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour signaler un commentaire."))
    try:
        with transaction.atomic():
            Report.objects.create(comment=comment, user=user)
    except IntegrityError:
        return False
    Comment.objects.filter(pk=comment.pk).update(reports_count=F("reports_count") + 1)
    comment = Comment.objects.select_related("consultation__organisation").get(pk=comment.pk)
    if comment.reports_count == 1 and comment.hidden_at is None:  # the first report tells them
        notifications.comment_reported(comment)
    return True


@transaction.atomic
def hide_comment(actor, comment, *, reason: str) -> Comment:
    """The organisation hides a comment with a reason; its text stays for the record."""
    comment = Comment.objects.select_for_update(of=("self",)).select_related(
        "consultation__organisation").get(pk=comment.pk)
    require_runner(actor, comment.consultation.organisation)
    reason = _text(reason, "reason", limit=300)
    was_visible = comment.hidden_at is None
    comment.hidden_at = timezone.now()
    comment.hidden_reason = reason
    comment.hidden_by = actor
    comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    if was_visible and comment.proposal_id:  # a proposal counts the comments shown under it
        Proposal.objects.filter(pk=comment.proposal_id).update(comments_count=F("comments_count") - 1)
    return comment


@transaction.atomic
def dismiss_reports(actor, comment) -> None:
    """The organisation keeps a reported comment visible: its reports are cleared."""
    require_runner(actor, comment.consultation.organisation)
    comment.reports.all().delete()
    Comment.objects.filter(pk=comment.pk).update(reports_count=0)


# --- answers -------------------------------------------------------------------------------------


@transaction.atomic
def answer_proposal(actor, proposal, *, answer: str, justification: str) -> Proposal:
    """The organisation's official answer: recorded in the public ledger; the author and every
    supporter are told by e-mail."""
    proposal = _lock_proposal(proposal)
    consultation = proposal.consultation
    require_runner(actor, consultation.organisation)
    if answer not in Answer.values:
        raise ValidationError({"answer": _("Choisissez une réponse.")})
    if not proposal.is_published:
        raise ValidationError(_("Cette proposition a été retirée."))
    proposal.answer = answer
    proposal.justification = _text(justification, "justification")
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["answer", "justification", "answered_at", "updated_at"])
    ledger.record_answer(proposal)
    people = set(Support.objects.filter(proposal=proposal, user__isnull=False)
                 .values_list("user__email", flat=True))
    if proposal.author_id:
        people.add(proposal.author.email)
    subject = _("Réponse à la proposition « %(title)s »") % {"title": proposal.title}
    body = render_to_string("consultations/email/answered.txt", {
        "proposal": proposal, "consultation": consultation,
        "link": settings.SITE_URL + proposal.get_absolute_url(),
    })
    for email in sorted(people):
        outbox.queue(to=email, subject=subject, kind=EmailKind.NOTIFICATION, body=body,
                     organisation=consultation.organisation)
    return proposal
