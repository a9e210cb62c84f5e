"""Reads shared by the pages (and, later, the API and the open data): bounded and without N+1."""

from django.db.models import Count, F, Prefetch, Q, Value
from django.db.models.functions import Mod

from .models import Answer, Comment, Consultation, Proposal, ProposalState, Report

SORTS = {
    "random": None,  # by the visitor's seed
    "recent": ("-created_at", "-pk"),
    "supported": ("-supports_count", "-pk"),
    "commented": ("-comments_count", "-pk"),
}
#: a prime modulus for the random order: ids times the seed, modulo it, are a permutation
_MODULUS = 2_147_483_647


def consultations():
    return Consultation.objects.select_related("organisation", "departement", "edition").order_by(
        "-proposals_starts", "pk")


def consultations_run_by(organisations):
    return consultations().filter(organisation__in=organisations)


def proposals(consultation, *, category=None, answer=None, author=None, commune="",
              sort="random", seed=0):
    """The published proposals of ``consultation``, filtered and sorted. ``random`` orders them
    by a permutation of their ids that depends on ``seed`` (one per visitor): the first
    proposals are not favoured, and each visitor keeps the same order from page to page."""
    rows = (Proposal.objects.filter(consultation=consultation, state=ProposalState.PUBLISHED)
            .select_related("category", "workshop", "author"))
    if category:
        rows = rows.filter(category_id=category)
    if answer == "none":
        rows = rows.filter(answer="")
    elif answer in Answer.values:
        rows = rows.filter(answer=answer)
    if author is not None:
        rows = rows.filter(author=author)
    if commune:
        rows = rows.filter(commune__iexact=commune.strip())
    order = SORTS.get(sort)
    if order is None:
        rows = rows.annotate(shuffle=Mod(F("pk") * Value(seed % (_MODULUS - 1) + 1), _MODULUS))
        order = ("shuffle", "pk")
    return rows.order_by(*order)


def proposal_comments(proposal):
    """The proposal's comments, first level in order, each with its replies."""
    return (Comment.objects.filter(proposal=proposal, parent__isnull=True)
            .select_related("author")
            .prefetch_related(Prefetch("replies", Comment.objects.select_related("author")
                                       .order_by("created_at", "pk"))))


def consultation_comments(consultation):
    return (Comment.objects.filter(consultation=consultation, proposal__isnull=True,
                                   parent__isnull=True)
            .select_related("author")
            .prefetch_related(Prefetch("replies", Comment.objects.select_related("author")
                                       .order_by("created_at", "pk"))))


def reported_comments(consultation):
    """The moderation queue: reported comments still shown, most reported first."""
    return (Comment.objects.filter(consultation=consultation, reports_count__gt=0,
                                   hidden_at__isnull=True)
            .select_related("author", "proposal").order_by("-reports_count", "created_at"))


def reported_by(user, comments) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(Report.objects.filter(user=user, comment__in=comments).values_list("comment_id",
                                                                                flat=True))


def synthesis(consultation) -> dict:
    """Counts of published proposals by category and by answer, and the proposals retained."""
    published = Proposal.objects.filter(consultation=consultation, state=ProposalState.PUBLISHED)
    answers = {value: Count("pk", filter=Q(answer=value)) for value in Answer.values}
    rows = list(published.values("category__name").annotate(
        total=Count("pk"), unanswered=Count("pk", filter=Q(answer="")), **answers
    ).order_by(F("category__position").asc(nulls_last=True), "category__name"))
    totals = published.aggregate(total=Count("pk"), unanswered=Count("pk", filter=Q(answer="")),
                                 **answers)
    return {
        "rows": rows, "totals": totals,
        "answers": [(value, label) for value, label in Answer.choices],
        "retained": published.filter(answer=Answer.ACCEPTED).select_related("category")
        .order_by("-supports_count", "pk"),
    }


def open_data_proposals(edition):
    """The published proposals of the edition's consultations, for the open data: with their
    comments still shown counted (a hidden comment never counts), never their authors."""
    return (Proposal.objects.filter(consultation__edition=edition, state=ProposalState.PUBLISHED)
            .select_related("consultation", "category", "workshop")
            .annotate(visible_comments=Count("comments", filter=Q(comments__hidden_at__isnull=True)))
            .order_by("consultation__slug", "pk"))
