"""Programmes and their tracks in the organiser space: an organisation's administrators (and the
edition's coordination) create, edit, order and archive them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from semaine.agenda import queries
from semaine.agenda import services as agenda_services
from semaine.agenda.forms import ProgrammeForm, TrackForm
from semaine.agenda.models import Edition, Programme, Track
from semaine.agenda.permissions import require_programme_manager
from semaine.core.forms import add_service_errors
from semaine.organisers.models import Organisation
from semaine.organisers.permissions import is_org_admin


def _editions_for(user, organisation: Organisation):
    """The editions in which ``user`` may open a programme for ``organisation``."""
    editions = Edition.objects.order_by("-starts_on", "-pk")
    if is_org_admin(user, organisation):
        return editions
    return editions.filter(coordinations__user=user)


def _programme_for(request, pk) -> Programme:
    programme = get_object_or_404(
        Programme.objects.select_related("edition", "organisation"), pk=pk)
    require_programme_manager(request.user, programme.organisation, programme.edition)
    return programme


def _track_for(request, pk) -> Track:
    track = get_object_or_404(
        Track.objects.select_related("programme__edition", "programme__organisation"), pk=pk)
    require_programme_manager(request.user, track.programme.organisation, track.programme.edition)
    return track


@login_required
def programmes(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    editions = _editions_for(request.user, organisation)
    if not editions.exists():
        raise PermissionDenied(_("Seuls les administrateurs de l'organisation et la coordination "
                                 "de l'édition peuvent gérer ses programmes."))
    default = queries.submission_edition()
    form = ProgrammeForm(request.POST or None, editions=editions,
                         initial={"edition": default.pk if default else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = agenda_services.create_programme(
                request.user, organisation=organisation, edition=data["edition"],
                title=data["title"], slug=data["slug"], description=data["description"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le programme est créé : ajoutez-lui des parcours."))
            return redirect("organisers:programme", pk=programme.pk)
    return render(request, "organisers/programmes.html", {
        "organisation": organisation, "form": form,
        "programmes": queries.organisation_programmes(organisation),
    })


@login_required
def programme(request, pk):
    """A programme: its title and presentation, its tracks in order, a new track."""
    programme = _programme_for(request, pk)
    which = request.POST.get("form") if request.method == "POST" else None
    initial = {"title": programme.title, "slug": programme.slug,
               "description": programme.description}
    form = ProgrammeForm(request.POST if which == "programme" else None, initial=initial)
    track_form = TrackForm(request.POST if which == "track" else None)
    if which == "programme" and form.is_valid():
        try:
            agenda_services.update_programme(request.user, programme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le programme est enregistré."))
            return redirect("organisers:programme", pk=programme.pk)
    if which == "track" and track_form.is_valid():
        try:
            agenda_services.create_track(request.user, programme, **track_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(track_form, error)
        else:
            messages.success(request, _("Le parcours est ajouté."))
            return redirect("organisers:programme", pk=programme.pk)
    return render(request, "organisers/programme.html", {
        "organisation": programme.organisation, "programme": programme, "form": form,
        "track_form": track_form, "tracks": list(programme.tracks.order_by("position", "name", "pk")),
    })


@login_required
@require_POST
def programme_archive(request, pk):
    programme = _programme_for(request, pk)
    archived = request.POST.get("archived") != "0"
    agenda_services.archive_programme(request.user, programme, archived)
    messages.success(request, _("Le programme est archivé : il n’est plus proposé pour les "
                                "nouveaux événements, sa page reste en ligne.") if archived
                     else _("Le programme est de nouveau proposé."))
    return redirect("organisers:programme", pk=programme.pk)


@login_required
def track(request, pk):
    track = _track_for(request, pk)
    form = TrackForm(request.POST or None, initial={
        "name": track.name, "slug": track.slug, "description": track.description})
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.update_track(request.user, track, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le parcours est enregistré."))
            return redirect("organisers:programme", pk=track.programme_id)
    return render(request, "organisers/track.html", {
        "organisation": track.programme.organisation, "programme": track.programme,
        "track": track, "form": form,
    })


@login_required
@require_POST
def track_move(request, pk):
    track = _track_for(request, pk)
    try:
        agenda_services.move_track(request.user, track, request.POST.get("direction", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Le parcours « %(name)s » est déplacé.") % {"name": track.name})
    return redirect(f"{_programme_url(track)}#parcours-{track.pk}")


def _programme_url(track: Track) -> str:
    return reverse("organisers:programme", kwargs={"pk": track.programme_id})


@login_required
@require_POST
def track_archive(request, pk):
    track = _track_for(request, pk)
    archived = request.POST.get("archived") != "0"
    agenda_services.archive_track(request.user, track, archived)
    messages.success(request, _("Le parcours est archivé : il n’est plus proposé pour les "
                                "nouveaux événements.") if archived
                     else _("Le parcours est de nouveau proposé."))
    return redirect("organisers:programme", pk=track.programme_id)
