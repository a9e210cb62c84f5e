"""Hackathon pages for everyone (the hackathon, its challenges, its results), its participants
(their team, their project) and its jurors (their invitation, the projects they score)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from semaine.accounts.models import User
from semaine.core.cache import cache_anonymous
from semaine.core.forms import add_service_errors
from semaine.core.pagination import paginate
from semaine.hackathons import queries, services
from semaine.hackathons.forms import (
    ConflictForm,
    JoinForm,
    ProfileForm,
    ScoreForm,
    SubmissionForm,
    TeamForm,
)
from semaine.hackathons.ledger import hackathon_subject
from semaine.hackathons.models import (
    HackathonState,
    JoinRequest,
    Juror,
    JurorState,
    ScoreSheet,
    Submission,
)
from semaine.hackathons.permissions import (
    is_organiser,
    is_participant,
    is_team_member,
    juror_of,
    require_juror,
    require_team_member,
)
from semaine.ledger.queries import recorded_in


def _get(query, *args):
    try:
        return query(*args)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def hackathon(request, public_id, profile_form=None):
    hack = _get(queries.hackathon, public_id, request.user)
    if profile_form is None and is_participant(request.user, hack) \
            and hack.state == HackathonState.OPEN:
        profile_form = ProfileForm(instance=queries.profile_of(request.user, hack))
    return render(request, "hackathons/hackathon.html", {
        "profile_form": profile_form, "seekers": queries.seekers(hack, request.user),
        "hackathon": hack, "event": hack.event,
        "membership": queries.membership_of(request.user, hack),
        "is_organiser": is_organiser(request.user, hack),
        "juror": juror_of(request.user, hack),
        "crumbs": [{"url": hack.event.get_absolute_url(), "title": hack.event.title}],
    })


@login_required
@require_POST
def profile(request, public_id):
    hack = _get(queries.hackathon, public_id, request.user)
    form = ProfileForm(request.POST, instance=queries.profile_of(request.user, hack))
    if form.is_valid():
        try:
            services.save_profile(request.user, hack, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre profil est enregistré."))
            return redirect(hack)
    return hackathon(request, public_id=public_id, profile_form=form)


def challenge(request, public_id):
    found = _get(queries.challenge, public_id, request.user)
    hack = found.hackathon
    form = None
    if is_participant(request.user, hack) and hack.state == HackathonState.OPEN:
        form = TeamForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                team_obj = services.create_team(request.user, found, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Votre équipe est créée : d’autres participants "
                                            "peuvent demander à la rejoindre."))
                return redirect(team_obj)
    return render(request, "hackathons/challenge.html", {
        "challenge": found, "hackathon": hack, "team_form": form,
        "membership": queries.membership_of(request.user, hack),
    })


def team(request, public_id):
    found = _get(queries.team, public_id)
    hack = found.hackathon
    member = is_team_member(request.user, found)
    if not member and found.state != "active":
        raise Http404
    context = {"team": found, "hackathon": hack, "is_member": member,
               "membership": queries.membership_of(request.user, hack)}
    if member:
        context["requests"] = queries.pending_requests(found)
        context["submission"] = Submission.objects.filter(team=found).first()
    elif is_participant(request.user, hack) and context["membership"] is None:
        context["join_form"] = JoinForm()
    return render(request, "hackathons/team.html", context)


def _act(request, action, *args, success, **kwargs):
    try:
        action(request.user, *args, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def team_action(request, public_id):
    """Join, accept or refuse a request, hand over, leave, dissolve: one service call each."""
    found = _get(queries.team, public_id)
    what = request.POST.get("action")
    if what == "join":
        form = JoinForm(request.POST)
        message = form.cleaned_data["message"] if form.is_valid() else ""
        _act(request, services.request_to_join, found, message,
             success=_("Votre demande est envoyée aux membres de l’équipe."))
    elif what in ("accept", "refuse"):
        join = get_object_or_404(JoinRequest, pk=request.POST.get("request"), team=found)
        _act(request, services.decide_join_request, join, accept=what == "accept",
             success=_("Demande acceptée.") if what == "accept" else _("Demande refusée."))
    elif what == "hand_over":
        to_user = get_object_or_404(User, pk=request.POST.get("user"))
        _act(request, services.hand_over, found, to_user,
             success=_("L’équipe a un nouveau référent."))
    elif what == "leave":
        if _act(request, services.leave_team, found, success=_("Vous avez quitté l’équipe.")):
            return redirect(found.challenge)
    elif what == "dissolve":
        if _act(request, services.dissolve_team, found, success=_("L’équipe est dissoute.")):
            return redirect(found.challenge)
    else:
        raise Http404
    return redirect(found)


@login_required
def submission(request, public_id):
    found = _get(queries.team, public_id)
    require_team_member(request.user, found)
    hack = found.hackathon
    current = Submission.objects.filter(team=found).first()
    form = SubmissionForm(request.POST or None, instance=current, hackathon=hack)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        datasets = data.pop("datasets")
        try:
            services.save_submission(request.user, found, datasets=datasets, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre projet est enregistré (version gardée)."))
            return redirect("hackathons:submission", public_id=found.public_id)
    return render(request, "hackathons/submission.html", {
        "team": found, "hackathon": hack, "form": form, "submission": current,
        "versions": current.versions.order_by("-number")[:20] if current else []})


@login_required
def juror_accept(request, token):
    juror = get_object_or_404(Juror.objects.select_related("hackathon__event"), token=token)
    if request.method == "POST":
        services.accept_jury(request.user, token)
        messages.success(request, _("Vous faites partie du jury."))
        return redirect("hackathons:jury", public_id=juror.hackathon.public_id)
    return render(request, "hackathons/juror_accept.html", {
        "juror": juror, "hackathon": juror.hackathon,
        "address_matches": request.user.email.lower() == juror.email.lower(),
        "accepted": juror.state == JurorState.ACCEPTED})


@login_required
def jury(request, public_id):
    hack = _get(queries.hackathon, public_id, request.user)
    juror = require_juror(request.user, hack)
    form = ConflictForm(request.POST or None, hackathon=hack)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_conflict(request.user, hack, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Conflit déclaré : ces projets ne vous seront pas "
                                        "proposés."))
            return redirect("hackathons:jury", public_id=hack.public_id)
    return render(request, "hackathons/jury.html", {
        "hackathon": hack, "juror": juror, "form": form,
        "submissions": queries.juror_submissions(juror),
        "conflicts": juror.conflicts.select_related("team", "organisation")})


@login_required
def score(request, public_id):
    found = get_object_or_404(Submission.objects.select_related("hackathon__event", "team",
                                                                "challenge"), public_id=public_id)
    hack = found.hackathon
    juror = require_juror(request.user, hack)
    if found.pk not in {s.pk for s, _sheet in queries.juror_submissions(juror)}:
        raise Http404  # a conflicted project, or the juror's own: never shown
    criteria = list(hack.criteria.all())
    sheet = ScoreSheet.objects.filter(juror=juror, submission=found).first()
    initial = {}
    if sheet:
        initial = {f"c_{s.criterion_id}": s.value for s in sheet.scores.all()}
        initial["comment"] = sheet.comment
    form = ScoreForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.score(request.user, found, values=form.values(),
                           comment=form.cleaned_data["comment"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Votre notation est enregistrée."))
            return redirect("hackathons:jury", public_id=hack.public_id)
    return render(request, "hackathons/score.html", {
        "hackathon": hack, "submission": found, "form": form,
        "closed": hack.state != HackathonState.OPEN})


@cache_anonymous()
def results(request, public_id):
    hack = _get(queries.hackathon, public_id, request.user)
    if hack.state != HackathonState.PUBLISHED:
        raise Http404
    entry, block = recorded_in(hackathon_subject(hack))
    return render(request, "hackathons/results.html", {
        "hackathon": hack, "event": hack.event, **queries.results(hack),
        "ledger_entry": entry, "ledger_block": block})


def results_json(request, public_id):
    """What ``semaine hackathon verify`` reads: the recorded results, the published sheets and
    the indexes of their ledger entries."""
    hack = _get(queries.hackathon, public_id, request.user)
    if hack.state != HackathonState.PUBLISHED:
        raise Http404
    return JsonResponse(queries.results_for_verification(hack),
                        json_dumps_params={"ensure_ascii": False})


@cache_anonymous()
def gallery(request):
    edition, challenge = request.GET.get("edition", "")[:100], request.GET.get("defi", "")[:200]
    prized = request.GET.get("prix") == "1"
    dataset = request.GET.get("jeu", "")[:200]
    page = paginate(request, queries.gallery(edition=edition, challenge=challenge, prized=prized,
                                             dataset=dataset))
    return render(request, "hackathons/gallery.html", {
        "page_obj": page, "editions": queries.gallery_editions(), "edition": edition,
        "challenge": challenge, "prized": prized, "dataset": dataset})


@cache_anonymous()
def project(request, public_id):
    found = _get(queries.project, public_id)
    return render(request, "hackathons/project.html", {"project": found,
                                                       "hackathon": found.hackathon})
