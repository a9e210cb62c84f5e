"""The organiser space: my organisation's events by state, create, edit, duplicate, submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from semaine.accounts.models import EmailKind
from semaine.accounts.queries import email_report
from semaine.agenda import queries
from semaine.agenda import services as agenda_services
from semaine.agenda.forms import (
    EventForm,
    SlotFormSet,
    StatusForm,
    SubmissionEditionForm,
    VenueForm,
    slot_initial,
)
from semaine.agenda.models import Event, EventState, Venue
from semaine.agenda.permissions import require_event_editor
from semaine.core.forms import add_service_errors
from semaine.core.pagination import paginate
from semaine.hackathons import queries as hackathon_queries
from semaine.organisers import queries as organiser_queries
from semaine.organisers import services as organiser_services
from semaine.organisers.forms import (
    JoinRequestForm,
    MemberForm,
    OrganisationForm,
    RefuseJoinRequestForm,
)
from semaine.organisers.models import JoinRequest, Membership, Organisation, OrganisationStatus
from semaine.organisers.permissions import is_org_admin, require_member
from semaine.organisers.services import (
    DuplicateOrganisation,
    invite_member,
    remove_member,
    send_invitations_again,
)


def _organisation_for(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_member(request.user, organisation)
    return organisation


def _event_for(request, pk) -> Event:
    event = get_object_or_404(Event.objects.select_related("organisation", "edition"), pk=pk)
    require_event_editor(request.user, event)
    return event


@login_required
def home(request):
    organisations = list(
        Organisation.objects.filter(memberships__user=request.user).order_by("name")
    )
    if len(organisations) == 1 and not request.GET.get("toutes"):
        return redirect("organisers:events", slug=organisations[0].slug)
    return render(request, "organisers/home.html", {
        "organisations": organisations,
        "join_requests": organiser_queries.join_requests_of(request.user)[:20],
        "invitations": organiser_queries.invitations_for(request.user),
    })


@login_required
def declare(request):
    """Declare another organisation; one already registered is offered to join instead."""
    form = OrganisationForm(request.POST or None)
    existing = []
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organiser_services.register_organisation(
                request.user, **form.service_fields())
        except DuplicateOrganisation as duplicate:
            existing = duplicate.existing
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Vous avez déclaré %(name)s : la coordination validera "
                                        "l’organisation avant que vous puissiez soumettre ses "
                                        "événements.") % {"name": organisation.named})
            return redirect("organisers:events", slug=organisation.slug)
    return render(request, "organisers/declare.html", {"form": form, "existing": existing})


@login_required
def join(request, slug):
    """Ask the admins of an organisation to let me publish for it."""
    organisation = get_object_or_404(
        Organisation.objects.select_related("departement", "region")
        .exclude(status=OrganisationStatus.REJECTED), slug=slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organiser_services.request_to_join(request.user, organisation,
                                               form.cleaned_data["message"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre demande est envoyée aux administrateurs "
                                        "%(name)s : vous recevrez leur réponse par courriel.")
                             % {"name": organisation.of_named})
            return redirect(f"{reverse('organisers:home')}?toutes=1")
    return render(request, "organisers/join.html", {"organisation": organisation, "form": form})


@login_required
@require_POST
def join_request_decision(request, pk):
    """An admin accepts or refuses a request to join their organisation."""
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("organisation", "requester"), pk=pk)
    organisation = join_request.organisation
    require_member(request.user, organisation)
    who = join_request.requester.email
    try:
        if request.POST.get("decision") == "accept":
            organiser_services.accept_join_request(request.user, join_request)
            messages.success(request, _("%(who)s fait maintenant partie de l’organisation.")
                             % {"who": who})
        else:
            form = RefuseJoinRequestForm(request.POST)
            if not form.is_valid():
                for errors in form.errors.values():
                    for message in errors:
                        messages.error(request, message)
                return redirect("organisers:members", slug=organisation.slug)
            organiser_services.refuse_join_request(request.user, join_request,
                                                   form.cleaned_data["reason"])
            messages.info(request, _("La demande de %(who)s est refusée ; elle en est informée.")
                          % {"who": who})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("organisers:members", slug=organisation.slug)


@login_required
def events(request, slug):
    organisation = _organisation_for(request, slug)
    state = request.GET.get("state") or ""
    if state and state not in EventState.values:
        messages.warning(request, _("Filtre d’état inconnu : il a été ignoré."))
        state = ""
    page = paginate(request, queries.organisation_events(organisation, state or None))
    return render(
        request,
        "organisers/events.html",
        {
            "organisation": organisation,
            "page_obj": page,
            "state": state,
            "states": EventState.choices,
            "counts": queries.state_counts(organisation),
        },
    )


def _save_event_form(request, organisation, edition, event=None, *, may_save=True):
    form = EventForm(
        request.POST or None, request.FILES or None, instance=event,
        organisation=organisation, edition=edition,
        initial=None if event else {"languages": ["fr"]},
    )
    slots = SlotFormSet(
        request.POST or None, prefix="slots", edition=edition,
        initial=slot_initial(event) if event and not request.POST else None,
    )
    if may_save and request.method == "POST" and form.is_valid() and slots.is_valid():
        try:
            with transaction.atomic():
                if event is None:
                    event = agenda_services.create_event(
                        request.user, organisation=organisation, edition=edition,
                        fields=form.service_fields(), slots=slots.slot_data(),
                    )
                else:
                    event = agenda_services.update_event(
                        request.user, event, fields=form.service_fields(), slots=slots.slot_data()
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            for warning in slots.warnings:
                messages.warning(request, warning)
            messages.success(request, _("L’événement est enregistré."))
            return redirect("organisers:event", pk=event.pk), None, None
    return None, form, slots


@login_required
def event_create(request, slug):
    """A new event goes to an edition open for submissions: the one chosen, else the current
    edition if it is open, else the soonest open one."""
    organisation = _organisation_for(request, slug)
    editions = list(queries.open_editions())
    if not editions:
        messages.error(request, _("Aucune édition n’accepte d’événements en ce moment : la "
                                  "coordination nationale ouvrira les soumissions de la prochaine."))
        return redirect("organisers:events", slug=organisation.slug)
    chosen = request.POST.get("edition") or request.GET.get("edition")
    edition = queries.submission_edition(editions, chosen)
    still_open = not chosen or chosen == edition.slug
    if not still_open:
        messages.warning(request, _("Cette édition n’accepte plus d’événements : vérifiez "
                                    "l’édition choisie avant d’enregistrer."))
    response, form, slots = _save_event_form(request, organisation, edition, may_save=still_open)
    if response:
        return response
    chooser = SubmissionEditionForm(initial={"edition": edition.slug}, editions=editions)
    return render(
        request, "organisers/event_form.html",
        {"organisation": organisation, "edition": edition, "form": form, "slots": slots,
         "editions": editions, "chooser": chooser},
    )


@login_required
def event_edit(request, pk):
    event = _event_for(request, pk)
    if event.state == EventState.REFUSED:
        raise PermissionDenied(_("Un événement refusé ne peut plus être modifié."))
    response, form, slots = _save_event_form(request, event.organisation, event.edition, event)
    if response:
        return response
    return render(
        request, "organisers/event_form.html",
        {"organisation": event.organisation, "edition": event.edition, "form": form,
         "slots": slots, "event": event},
    )


@login_required
def event_detail(request, pk):
    event = _event_for(request, pk)
    return render(
        request, "organisers/event_detail.html",
        {"event": event, "organisation": event.organisation,
         "history": event.history.select_related("actor")[:100],
         "status_form": StatusForm(initial={"status": event.status}),
         **hackathon_queries.for_event_detail(event)},
    )


def _run(request, action, *args, success):
    try:
        result = action(request.user, *args)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, success)
    return result


@login_required
@require_POST
def event_submit(request, pk):
    event = _event_for(request, pk)
    _run(request, agenda_services.submit_event, event,
         success=_("L’événement est soumis à la coordination."))
    return redirect("organisers:event", pk=event.pk)


@login_required
@require_POST
def event_duplicate(request, pk):
    event = _event_for(request, pk)
    copy = _run(request, agenda_services.duplicate_event, event,
                success=_("Copie créée : c’est un brouillon."))
    return redirect("organisers:event", pk=(copy or event).pk)


@login_required
@require_POST
def slot_cancel(request, pk, slot_pk):
    event = _event_for(request, pk)
    slot = get_object_or_404(event.slots, pk=slot_pk)
    _run(request, agenda_services.cancel_slot, slot, request.POST.get("reason", ""),
         success=_("Le créneau est annulé ; les inscrits sont prévenus."))
    return redirect("organisers:event", pk=event.pk)


@login_required
@require_POST
def event_status(request, pk):
    event = _event_for(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        _run(request, agenda_services.set_event_status, event, form.cleaned_data["status"],
             form.cleaned_data["comment"], success=_("Le statut est mis à jour."))
    else:
        messages.error(request, _("Statut inconnu."))
    return redirect("organisers:event", pk=event.pk)


@login_required
def venues(request, slug):
    organisation = _organisation_for(request, slug)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.save_venue(request.user, organisation, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le lieu est enregistré."))
            return redirect("organisers:venues", slug=organisation.slug)
    return render(
        request, "organisers/venues.html",
        {"organisation": organisation, "form": form,
         "venues": organisation.venues.select_related("departement")},
    )


@login_required
def venue_edit(request, slug, pk):
    organisation = _organisation_for(request, slug)
    venue = get_object_or_404(organisation.venues.select_related("departement"), pk=pk)
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.save_venue(request.user, organisation, form.cleaned_data,
                                       Venue.objects.get(pk=venue.pk))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le lieu est enregistré."))
            return redirect("organisers:venues", slug=organisation.slug)
    return render(request, "organisers/venue_edit.html",
                  {"organisation": organisation, "form": form, "venue": venue})


@login_required
def members(request, slug):
    organisation = _organisation_for(request, slug)
    is_admin = is_org_admin(request.user, organisation)
    form = MemberForm(request.POST or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_("Seuls les administrateurs de l'organisation peuvent faire cela."))
        try:
            if "remove" in request.POST:
                membership = get_object_or_404(Membership, pk=request.POST["remove"],
                                               organisation=organisation)
                remove_member(request.user, membership)
                messages.success(request, _("La personne ne fait plus partie de l’organisation."))
                return redirect("organisers:members", slug=organisation.slug)
            if "retry_emails" in request.POST:
                count = send_invitations_again(request.user, organisation)
                messages.info(request, ngettext("%(n)s invitation est de nouveau en cours d’envoi.",
                                                "%(n)s invitations sont de nouveau en cours d’envoi.",
                                                count) % {"n": count})
                return redirect("organisers:members", slug=organisation.slug)
            if form.is_valid():
                invite_member(request.user, organisation, email=form.cleaned_data["email"],
                              role=form.cleaned_data["role"])
                messages.info(request, _("Invitation en cours d’envoi : cette page dira si elle "
                                         "n’a pas pu partir."))
                return redirect("organisers:members", slug=organisation.slug)
        except ValidationError as error:
            if form is not None:
                add_service_errors(form, error)
            for message in error.messages:
                messages.error(request, message)
    return render(
        request, "organisers/members.html",
        {"organisation": organisation, "form": form, "is_admin": is_admin,
         "memberships": organisation.memberships.select_related("user").order_by("user__email"),
         "join_requests": organiser_queries.pending_join_requests(organisation) if is_admin else (),
         "invitations": organiser_queries.pending_invitations(organisation) if is_admin else (),
         "refuse_form": RefuseJoinRequestForm(),
         "report": email_report(organisation.emails.filter(kind=EmailKind.INVITATION)) if is_admin else None},
    )
