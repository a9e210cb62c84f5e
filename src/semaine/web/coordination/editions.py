"""Editions in the coordination space: create one, set its dates and theme, open or close its
submissions, make it the current edition, bring in other coordinators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from semaine.agenda import queries, services
from semaine.agenda.forms import CoordinatorForm, EditionForm, ReopenForm
from semaine.agenda.models import Edition
from semaine.agenda.permissions import require_coordinator, require_edition_creator
from semaine.core.forms import add_service_errors
from semaine.organisers.permissions import require_any_coordinator


@login_required
def editions(request):
    require_any_coordinator(request.user)
    return render(request, "coordination/editions.html", {
        "editions": queries.edition_archive(),
        "mine": set(request.user.coordinations.values_list("edition_id", flat=True)),
    })


@login_required
def edition_create(request):
    require_edition_creator(request.user)
    form = EditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edition = services.create_edition(request.user, form.service_fields(),
                                              slug=form.cleaned_data.get("slug", ""))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("L’édition est créée : vous en êtes coordinateur ou "
                                        "coordinatrice."))
            return redirect("coordination:edition", slug=edition.slug)
    return render(request, "coordination/edition_form.html", {"form": form})


def _edition_for(request, slug) -> Edition:
    edition = get_object_or_404(Edition, slug=slug)
    require_coordinator(request.user, edition)
    return edition


@login_required
def edition(request, slug):
    """One edition: its details, its submissions, its coordinators."""
    edition = _edition_for(request, slug)
    which = request.POST.get("form") if request.method == "POST" else None
    form = EditionForm(request.POST if which == "edition" else None,
                       instance=Edition.objects.get(pk=edition.pk))
    reopen_form = ReopenForm(request.POST if which == "open" else None)
    coordinator_form = CoordinatorForm(request.POST if which == "coordinator" else None)
    done = None
    try:
        if which == "edition" and form.is_valid():
            services.update_edition(request.user, edition, form.service_fields())
            done = _("L’édition est enregistrée.")
        elif which == "open" and reopen_form.is_valid():
            services.open_submissions(request.user, edition, reopen_form.cleaned_data["until"])
            done = _("Les soumissions sont ouvertes.")
        elif which == "coordinator" and coordinator_form.is_valid():
            services.add_coordinator(request.user, edition, coordinator_form.cleaned_data["email"])
            done = _("La personne coordonne désormais l’édition ; un e-mail la prévient.")
    except ValidationError as error:
        add_service_errors({"edition": form, "open": reopen_form,
                            "coordinator": coordinator_form}[which], error)
    if done:
        messages.success(request, done)
        return redirect("coordination:edition", slug=edition.slug)
    return render(request, "coordination/edition.html", {
        "edition": edition, "form": form, "reopen_form": reopen_form,
        "coordinator_form": coordinator_form,
        "coordinators": edition.coordinators.order_by("last_name", "first_name", "email"),
        "is_open": edition.accepts_submissions(),
    })


@login_required
@require_POST
def edition_close(request, slug):
    edition = _edition_for(request, slug)
    services.close_submissions(request.user, edition)
    messages.success(request, _("Les soumissions sont fermées."))
    return redirect("coordination:edition", slug=edition.slug)


@login_required
@require_POST
def edition_current(request, slug):
    edition = _edition_for(request, slug)
    services.set_current_edition(request.user, edition)
    messages.success(request, _("« %(name)s » est désormais l’édition en cours.")
                     % {"name": edition.name})
    return redirect("coordination:edition", slug=edition.slug)
