"""The organiser's hackathon pages: set it up on a hackathon event, then its challenges and
datasets, criteria and jurors, the deadline, closing the scoring and publishing the results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from semaine.agenda.models import Event
from semaine.agenda.permissions import require_event_editor
from semaine.core.forms import add_service_errors
from semaine.hackathons import queries, services
from semaine.hackathons.forms import (
    ChallengeForm,
    CriterionForm,
    DatasetForm,
    ExtendForm,
    HackathonForm,
    JurorForm,
)
from semaine.hackathons.models import Challenge, Hackathon, HackathonState
from semaine.hackathons.permissions import require_organiser


@login_required
def set_up(request, pk):
    event = get_object_or_404(Event.objects.select_related("organisation", "edition"), pk=pk)
    require_event_editor(request.user, event)
    current = Hackathon.objects.filter(event=event).first()
    form = HackathonForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {field: form.cleaned_data[field] for field in services.SETUP_FIELDS}
        try:
            hack = services.set_up_hackathon(request.user, event, **values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le hackathon est enregistré."))
            return redirect("hackathons:manage", public_id=hack.public_id)
    return render(request, "hackathons/set_up.html",
                  {"event": event, "form": form, "hackathon": current})


def _hackathon_for(request, public_id) -> Hackathon:
    hack = get_object_or_404(Hackathon.objects.select_related("event__organisation"),
                             public_id=public_id)
    require_organiser(request.user, hack)
    return hack


#: the manage page's forms: their prefix → (form class, the service that takes them)
FORMS = {
    "challenge": ChallengeForm,
    "criterion": CriterionForm,
    "juror": JurorForm,
    "extend": ExtendForm,
}


def _call(request, action: str, hack: Hackathon, form):
    data = form.cleaned_data
    if action == "challenge":
        services.add_challenge(request.user, hack, **data)
        return _("Le défi est ajouté.")
    if action == "criterion":
        services.add_criterion(request.user, hack, **data)
        return _("Le critère est ajouté.")
    if action == "juror":
        services.invite_juror(request.user, hack, data["email"])
        return _("L’invitation est envoyée.")
    services.extend_deadline(request.user, hack, data["until"])
    return _("Le dépôt est prolongé.")


def _step(request, action: str, hack: Hackathon):
    """The buttons without a form: open, close scoring, publish."""
    if action == "open":
        services.open_hackathon(request.user, hack)
        return _("Le hackathon est ouvert : sa page est publique.")
    if action == "close":
        services.close_scoring(request.user, hack)
        return _("La notation est close : chaque fiche est inscrite au registre public.")
    prizes = {s.pk: request.POST.get(f"prize_{s.pk}", "") for s in hack.submissions.all()}
    services.publish_results(request.user, hack, prizes=prizes)
    return _("Les résultats sont publiés et les équipes prévenues.")


@login_required
def manage(request, public_id):
    hack = _hackathon_for(request, public_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = {name: cls(request.POST if action == name else None, prefix=name)
             for name, cls in FORMS.items()}
    if action in FORMS and forms[action].is_valid():
        try:
            done = _call(request, action, hack, forms[action])
        except ValidationError as error:
            add_service_errors(forms[action], error)
        else:
            messages.success(request, done)
            return redirect("hackathons:manage", public_id=hack.public_id)
    elif action in ("open", "close", "publish"):
        try:
            messages.success(request, _step(request, action, hack))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("hackathons:manage", public_id=hack.public_id)
    return render(request, "hackathons/manage.html", {
        "hackathon": hack, "event": hack.event, "forms": forms,
        "challenges": hack.challenges.select_related("organisation").prefetch_related("datasets"),
        "criteria": hack.criteria.all(), "jurors": queries.progress(hack),
        "submissions": hack.submissions.select_related("team", "challenge").order_by("title"),
        "states": HackathonState,
    })


@login_required
def dataset_add(request, public_id):
    found = get_object_or_404(Challenge.objects.select_related("hackathon__event"),
                              public_id=public_id)
    form = DatasetForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("upload")
        try:
            services.add_dataset(request.user, found, upload=upload, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Le jeu de données est ajouté."))
            return redirect("hackathons:manage", public_id=found.hackathon.public_id)
    return render(request, "hackathons/dataset_add.html",
                  {"challenge": found, "hackathon": found.hackathon, "form": form})
