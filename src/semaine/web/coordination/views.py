"""The coordinator space: moderation queue, decisions, organisations to approve."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from semaine.accounts.models import EmailStatus
from semaine.agenda import queries, services
from semaine.agenda.forms import ModerationForm, QueueFilterForm, ReopenForm
from semaine.agenda.models import Edition, Event, EventState
from semaine.agenda.permissions import require_coordinator
from semaine.core.forms import add_service_errors
from semaine.core.pagination import paginate
from semaine.organisers import queries as organiser_queries
from semaine.organisers import services as organiser_services
from semaine.organisers.models import Organisation, OrganisationStatus
from semaine.organisers.permissions import require_any_coordinator


def _queue_url(edition) -> str:
    return f"{reverse('coordination:queue')}?{urlencode({'edition': edition.slug})}"


@login_required
def queue(request):
    """The events of one edition the person coordinates (``?edition=``; the current edition
    when they coordinate it)."""
    editions = list(queries.coordinated_editions(request.user))
    if not editions:
        require_coordinator(request.user, queries.current_edition())
    chosen = request.GET.get("edition")
    edition = (next((e for e in editions if e.slug == chosen), None)
               or next((e for e in editions if e.is_current), None) or editions[0])
    params = request.GET.copy()
    params.setdefault("state", EventState.SUBMITTED)
    filters = QueueFilterForm(params)
    if filters.is_valid():
        data = filters.cleaned_data
    else:
        messages.warning(request, _("Certains filtres étaient invalides : ils ont été ignorés."))
        data = {"state": EventState.SUBMITTED}
        filters = QueueFilterForm(initial=data)
    events = queries.moderation_queue(
        edition, state=data.get("state") or None, organisation=data.get("organisation"),
        q=data.get("q") or "",
    )
    return render(
        request, "coordination/queue.html",
        {"edition": edition, "editions": editions, "filters": filters,
         "page_obj": paginate(request, events),
         "pending_organisations": Organisation.objects.filter(
             status=OrganisationStatus.PENDING).count(),
         "failed_emails": queries.failed_decision_emails(edition),
         "reopen_form": ReopenForm()},
    )


@login_required
def review(request, pk):
    event = get_object_or_404(Event.objects.select_related("edition", "organisation"), pk=pk)
    require_coordinator(request.user, event.edition)
    if request.method == "POST" and request.POST.get("retry_emails"):
        count = services.send_decision_emails_again(request.user, event)
        messages.success(request, ngettext("%(n)s courriel est de nouveau en cours d’envoi.",
                                           "%(n)s courriels sont de nouveau en cours d’envoi.", count)
                         % {"n": count})
        return redirect("coordination:review", pk=event.pk)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        action = {"publish": services.publish_event, "return": services.return_event,
                  "refuse": services.refuse_event}.get(decision)
        if action is None:
            messages.error(request, _("Décision inconnue."))
        else:
            try:
                action(request.user, event, form.cleaned_data["comment"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                done = {"publish": _("L’événement est publié."),
                        "return": _("L’événement est renvoyé à l’organisateur."),
                        "refuse": _("L’événement est refusé.")}[decision]
                messages.success(request, done)
                return redirect(_queue_url(event.edition))
    return render(
        request, "coordination/review.html",
        {"event": queries.event_for_page(event.edition.slug, event.public_id), "form": form,
         "history": event.history.select_related("actor")[:100],
         "failed_emails": list(queries.decision_emails(event).filter(status=EmailStatus.FAILED)
                               .order_by("-created_at", "-pk"))},
    )


@login_required
def organisations(request):
    require_any_coordinator(request.user)
    pending = list(Organisation.objects.filter(status=OrganisationStatus.PENDING).select_related(
        "departement", "region"
    ).prefetch_related("memberships__user"))
    duplicates = organiser_queries.probable_duplicates(pending)
    for organisation in pending:
        organisation.probable_duplicates = duplicates.get(organisation.pk, [])
    return render(request, "coordination/organisations.html",
                  {"pending": pending, "form": ModerationForm(),
                   "failed_emails": organiser_queries.failed_decision_emails()})


@login_required
@require_POST
def organisation_decision(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    comment = request.POST.get("comment", "")
    try:
        if request.POST.get("decision") == "approve":
            organiser_services.approve_organisation(request.user, organisation, comment)
            messages.success(request, _("Vous avez validé %(name)s.") % {"name": organisation.named})
        else:
            organiser_services.reject_organisation(request.user, organisation, comment)
            messages.success(request, _("Vous avez refusé %(name)s.") % {"name": organisation.named})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("coordination:organisations")


@login_required
@require_POST
def reopen(request):
    edition = (Edition.objects.filter(slug=request.POST.get("edition", "")).first()
               or queries.current_edition())
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_submissions(request.user, edition, form.cleaned_data["until"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Les soumissions sont rouvertes."))
    else:
        require_coordinator(request.user, edition)
        messages.error(request, _("Indiquez une date valide."))
    return redirect(_queue_url(edition))
