"""« Participer »: the consultations, their proposals, supports and comments, the synthesis."""

import secrets

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from semaine.consultations import queries, services
from semaine.consultations.forms import CommentForm, ProposalForm
from semaine.consultations.models import Answer, Comment, Consultation, Proposal, ProposalState
from semaine.consultations.permissions import can_run, can_take_part
from semaine.core.forms import add_service_errors
from semaine.core.pagination import paginate

SEED_KEY = "consultation-seed"
#: the debate on a consultation shows its first threads, this many at most
DEBATE_THREADS = 200


def index(request):
    """Every consultation, or those of one edition (``?edition=<slug>``)."""
    rows = queries.consultations()
    edition = request.GET.get("edition", "")[:60]
    if edition:
        rows = rows.filter(edition__slug=edition)
    return render(request, "consultations/index.html",
                  {"consultations": rows[:100], "today": timezone.localdate(), "edition": edition})


def _crumbs(consultation=None):
    links = [{"url": reverse("consultations:index"), "title": _("Participer")}]
    if consultation is not None:
        links.append({"url": consultation.get_absolute_url(), "title": consultation.title})
    return links


def _consultation(slug):
    return get_object_or_404(Consultation.objects.select_related("organisation", "departement",
                                                                 "edition"), slug=slug)


def _seed(request) -> int:
    """The visitor's seed of the random order, kept in their session."""
    seed = request.session.get(SEED_KEY)
    if not isinstance(seed, int):
        seed = request.session[SEED_KEY] = secrets.randbelow(2**31 - 1)
    return seed


def detail(request, slug):
    consultation = _consultation(slug)
    sort = request.GET.get("tri") if request.GET.get("tri") in queries.SORTS else "random"
    category = request.GET.get("categorie", "")
    category = int(category) if category.isdigit() else None
    answer = request.GET.get("reponse", "")
    mine = request.GET.get("miennes") == "1" and request.user.is_authenticated
    rows = queries.proposals(consultation, category=category, answer=answer,
                             author=request.user if mine else None,
                             commune=request.GET.get("commune", "")[:120], sort=sort,
                             seed=_seed(request) if sort == "random" else 0)
    context = {
        "consultation": consultation, "page_obj": paginate(request, rows),
        "phase": consultation.current_phase, "categories": consultation.categories.all(),
        "workshops": consultation.workshops.select_related("edition").all(),
        "answers": Answer.choices, "sorts": _sort_labels(), "sort": sort,
        "category": category, "answer": answer, "mine": mine,
        "commune": request.GET.get("commune", "")[:120],
        "runs": can_run(request.user, consultation.organisation), "breadcrumb_links": _crumbs(),
    }
    if request.htmx:  # the filters changed: only the list is drawn again
        return render(request, "consultations/_proposals.html", context)
    comments = list(queries.consultation_comments(consultation)[:DEBATE_THREADS])
    every = comments + [reply for c in comments for reply in c.replies.all()]
    context.update({
        "comments": comments, "reported": queries.reported_by(request.user, every),
        "comments_open": services.comments_open(consultation),
        "can_take_part": can_take_part(request.user), "form": CommentForm(),
    })
    return render(request, "consultations/detail.html", context)


def _sort_labels():
    return [("random", _("Au hasard")), ("recent", _("Les plus récentes")),
            ("supported", _("Les plus soutenues")), ("commented", _("Les plus commentées"))]


def proposal(request, slug, pk):
    consultation = _consultation(slug)
    item = get_object_or_404(Proposal.objects.select_related("category", "workshop", "author"),
                             consultation=consultation, pk=pk)
    item.consultation = consultation
    comments = list(queries.proposal_comments(item))
    every = comments + [reply for c in comments for reply in c.replies.all()]
    user = request.user
    context = {
        "consultation": consultation, "proposal": item, "comments": comments,
        "reported": queries.reported_by(user, every),
        "supported": user.is_authenticated and item.supports.filter(user=user).exists(),
        "supports_open": consultation.current_phase == "supports" and not consultation.supports_closed_at,
        "comments_open": services.comments_open(consultation),
        "can_take_part": can_take_part(user), "can_edit": services.can_edit(user, item),
        "form": CommentForm(), "runs": can_run(user, consultation.organisation),
        "breadcrumb_links": _crumbs(consultation),
    }
    return render(request, "consultations/proposal.html", context)


def _need_participant(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def propose(request, slug):
    consultation = _consultation(slug)
    refusal = _need_participant(request)
    if refusal:
        return refusal
    form = ProposalForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.propose(request.user, consultation, title=data["title"],
                                    body=data["body"], category=data["category"],
                                    commune=data["commune"])
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error if isinstance(error, ValidationError)
                               else ValidationError(str(error)))
        else:
            messages.success(request, _("Votre proposition est publiée."))
            return redirect(made)
    return render(request, "consultations/propose.html", {
        "consultation": consultation, "form": form, "can_take_part": can_take_part(request.user),
        "open": consultation.current_phase == "proposals"})


def edit(request, slug, pk):
    consultation = _consultation(slug)
    item = get_object_or_404(Proposal, consultation=consultation, pk=pk,
                             state=ProposalState.PUBLISHED)
    if not request.user.is_authenticated or item.author_id != request.user.pk:
        raise PermissionDenied
    form = ProposalForm(request.POST or None, consultation=consultation, initial={
        "title": item.title, "body": item.body, "category": item.category_id,
        "commune": item.commune})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_proposal(request.user, item, title=data["title"], body=data["body"],
                                   category=data["category"], commune=data["commune"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre proposition est modifiée."))
            return redirect(item.get_absolute_url())
    return render(request, "consultations/propose.html", {
        "consultation": consultation, "form": form, "proposal": item, "can_take_part": True,
        "open": True})


def _act(request, action, success):
    """Run one service call; its refusal is shown as a message on the page that follows."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        if success:
            messages.success(request, success)


@require_POST
def support(request, slug, pk):
    refusal = _need_participant(request)
    if refusal:
        return refusal
    item = get_object_or_404(Proposal.objects.select_related("consultation"),
                             consultation__slug=slug, pk=pk)
    if request.POST.get("retirer"):
        _act(request, lambda: services.withdraw_support(request.user, item),
             _("Votre soutien est retiré."))
    else:
        _act(request, lambda: services.support(request.user, item), _("Merci pour votre soutien."))
    return redirect(item.get_absolute_url())


@require_POST
def withdraw(request, slug, pk):
    item = get_object_or_404(Proposal.objects.select_related("consultation"),
                             consultation__slug=slug, pk=pk)
    _act(request, lambda: services.withdraw_proposal(request.user, item),
         _("Votre proposition est retirée."))
    return redirect(item.get_absolute_url())


@require_POST
def comment(request, slug, pk):
    refusal = _need_participant(request)
    if refusal:
        return refusal
    item = get_object_or_404(Proposal.objects.select_related("consultation"),
                             consultation__slug=slug, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(item.get_absolute_url())
    data = form.cleaned_data
    parent = (Comment.objects.filter(proposal=item, pk=data["parent"]).first()
              if data.get("parent") else None)
    _act(request, lambda: services.comment(request.user, item.consultation, proposal=item,
                                           parent=parent, body=data["body"],
                                           alignment=data["alignment"]),
         _("Votre commentaire est publié."))
    return redirect(item.get_absolute_url() + "#commentaires")


@require_POST
def debate(request, slug):
    """A comment on the consultation itself, or a reply in its debate."""
    refusal = _need_participant(request)
    if refusal:
        return refusal
    consultation = _consultation(slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(consultation.get_absolute_url() + "#commentaires")
    data = form.cleaned_data
    parent = (Comment.objects.filter(consultation=consultation, proposal__isnull=True,
                                     pk=data["parent"]).first() if data.get("parent") else None)
    _act(request, lambda: services.comment(request.user, consultation, parent=parent,
                                           body=data["body"], alignment=data["alignment"]),
         _("Votre commentaire est publié."))
    return redirect(consultation.get_absolute_url() + "#commentaires")


@require_POST
def report(request, slug, comment_pk):
    refusal = _need_participant(request)
    if refusal:
        return refusal
    target = get_object_or_404(Comment.objects.select_related("proposal__consultation"),
                               consultation__slug=slug, pk=comment_pk)
    _act(request, lambda: services.report_comment(request.user, target),
         _("Merci : le commentaire est signalé à l’organisateur."))
    if target.proposal_id:
        return redirect(target.proposal.get_absolute_url() + "#commentaires")
    return redirect(reverse("consultations:detail", kwargs={"slug": slug}) + "#commentaires")


def synthesis(request, slug):
    consultation = _consultation(slug)
    return render(request, "consultations/synthesis.html",
                  {"consultation": consultation, **queries.synthesis(consultation)})

