"""The organiser's side of a consultation: create and edit it, enter workshop proposals,
moderate reported comments, answer each proposal, close the supports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from semaine.consultations import queries, services
from semaine.consultations.forms import AnswerForm, ConsultationForm, HideForm, WorkshopProposalForm
from semaine.consultations.models import Comment, Consultation, Proposal, ProposalState
from semaine.consultations.permissions import can_run
from semaine.core.forms import add_service_errors
from semaine.core.pagination import paginate
from semaine.organisers.models import Organisation, OrganisationStatus


def _runnable(user):
    return Organisation.objects.filter(memberships__user=user, status=OrganisationStatus.APPROVED)


def _run(request, slug) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.select_related("organisation"), slug=slug)
    if not can_run(request.user, consultation.organisation):
        raise PermissionDenied
    return consultation


@login_required
def mine(request):
    organisations = list(_runnable(request.user))
    return render(request, "consultations/organiser/list.html", {
        "organisations": organisations,
        "consultations": queries.consultations_run_by(organisations)[:200]})


@login_required
def create(request, organisation):
    organisation = get_object_or_404(_runnable(request.user), slug=organisation)
    form = ConsultationForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_consultation(
                request.user, organisation, categories=form.category_names(),
                workshops=form.cleaned_data["workshops"], **form.fields_for_service())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La consultation est créée."))
            return redirect(made)
    return render(request, "consultations/organiser/form.html",
                  {"form": form, "organisation": organisation})


@login_required
def edit(request, slug):
    consultation = _run(request, slug)
    form = ConsultationForm(request.POST or None, instance=consultation,
                            organisation=consultation.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_consultation(
                request.user, consultation, categories=form.category_names(),
                workshops=form.cleaned_data["workshops"], **form.fields_for_service())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La consultation est enregistrée."))
            return redirect(consultation)
    return render(request, "consultations/organiser/form.html",
                  {"form": form, "organisation": consultation.organisation,
                   "consultation": consultation})


@login_required
def workshop_proposal(request, slug):
    consultation = _run(request, slug)
    form = WorkshopProposalForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.enter_workshop_proposal(
                request.user, consultation, data["workshop"], title=data["title"],
                body=data["body"], category=data["category"], commune=data["commune"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("La proposition de l’atelier est publiée."))
            return redirect(made)
    return render(request, "consultations/organiser/workshop_proposal.html",
                  {"form": form, "consultation": consultation})


@login_required
def moderation(request, slug):
    consultation = _run(request, slug)
    return render(request, "consultations/organiser/moderation.html", {
        "consultation": consultation, "page_obj": paginate(request,
                                                           queries.reported_comments(consultation)),
        "form": HideForm()})


@login_required
@require_POST
def hide(request, slug, pk):
    consultation = _run(request, slug)
    target = get_object_or_404(Comment, consultation=consultation, pk=pk)
    form = HideForm(request.POST)
    if request.POST.get("garder"):
        services.dismiss_reports(request.user, target)
        messages.success(request, _("Le commentaire reste visible."))
    elif form.is_valid():
        services.hide_comment(request.user, target, reason=form.cleaned_data["reason"])
        messages.success(request, _("Le commentaire est masqué."))
    else:
        messages.error(request, _("Indiquez le motif du masquage."))
    return redirect("consultations:moderation", slug=slug)


@login_required
def answers(request, slug):
    consultation = _run(request, slug)
    rows = (Proposal.objects.filter(consultation=consultation, state=ProposalState.PUBLISHED)
            .select_related("category").order_by("answered_at", "-supports_count", "pk"))
    page = paginate(request, rows)
    for item in page.object_list:
        item.form = AnswerForm(initial={"answer": item.answer or None,
                                        "justification": item.justification},
                               prefix=f"p{item.pk}")
    return render(request, "consultations/organiser/answers.html",
                  {"consultation": consultation, "page_obj": page})


@login_required
@require_POST
def answer(request, slug, pk):
    consultation = _run(request, slug)
    item = get_object_or_404(Proposal, consultation=consultation, pk=pk)
    form = AnswerForm(request.POST, prefix=f"p{item.pk}")
    if form.is_valid():
        try:
            services.answer_proposal(request.user, item, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La réponse est publiée ; l’auteur et les soutiens sont "
                                        "prévenus par courriel."))
    else:
        messages.error(request, _("Choisissez une réponse et écrivez sa justification."))
    return redirect("consultations:answers", slug=slug)


@login_required
@require_POST
def close_supports(request, slug):
    consultation = _run(request, slug)
    try:
        count = services.close_supports(request.user, consultation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Les soutiens sont clos ; le décompte de %(n)s propositions "
                                    "est inscrit au registre public.") % {"n": count})
    return redirect(consultation)
