"""Reads shared by the hackathon pages (and later the API and the exports): bounded, no N+1."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from semaine.ledger.models import Entry

from . import ledger
from .models import (
    Challenge,
    Hackathon,
    HackathonState,
    JoinRequestStatus,
    Juror,
    ScoreSheet,
    Submission,
    Team,
    TeamMembership,
    TeamState,
)
from .permissions import is_organiser, is_participant
from .services import HACKATHON_FORMAT

VISIBLE = (HackathonState.OPEN, HackathonState.SCORING_CLOSED, HackathonState.PUBLISHED)


def hackathon_of_event(event) -> Hackathon | None:
    """The hackathon the event page links to (once it is open)."""
    return Hackathon.objects.filter(event=event, state__in=VISIBLE).only(
        "public_id", "state", "event_id").first()


def of_edition(edition) -> list[Hackathon]:
    """The edition page's hackathons (open or over), in the order of their events."""
    return list(Hackathon.objects.filter(event__edition=edition, state__in=VISIBLE)
                .select_related("event").order_by("event__first_starts_at", "pk"))


def for_event_detail(event) -> dict:
    """For the organiser's event page: whether the event can hold a hackathon, and its hackathon."""
    return {"is_hackathon": event.formats.filter(slug=HACKATHON_FORMAT).exists(),
            "hackathon": Hackathon.objects.filter(event=event).first()}


def hackathon(public_id, user) -> Hackathon:
    """The hackathon page's hackathon: raises ``Hackathon.DoesNotExist`` when the visitor may
    not see it (in preparation, and not its organiser)."""
    found = (Hackathon.objects.select_related("event__organisation", "event__edition")
             .prefetch_related(Prefetch("challenges", Challenge.objects.select_related(
                 "organisation").annotate(team_count=Count(
                     "teams", filter=Q(teams__state=TeamState.ACTIVE)))))
             .get(public_id=public_id))
    if found.state not in VISIBLE and not is_organiser(user, found):
        raise Hackathon.DoesNotExist
    return found


def challenge(public_id, user) -> Challenge:
    found = (Challenge.objects.select_related("hackathon__event", "organisation")
             .prefetch_related("datasets",
                               Prefetch("teams", Team.objects.filter(state=TeamState.ACTIVE)
                                        .select_related("submission")
                                        .annotate(size=Count("memberships"))))
             .get(public_id=public_id))
    if found.hackathon.state not in VISIBLE and not is_organiser(user, found.hackathon):
        raise Challenge.DoesNotExist
    return found


def team(public_id) -> Team:
    return (Team.objects.select_related("hackathon__event", "challenge")
            .prefetch_related(Prefetch("memberships",
                                       TeamMembership.objects.select_related("user")))
            .get(public_id=public_id))


def pending_requests(team_obj):
    return team_obj.join_requests.filter(status=JoinRequestStatus.PENDING).select_related("user")


def membership_of(user, hackathon_obj) -> TeamMembership | None:
    if not user.is_authenticated:
        return None
    return (TeamMembership.objects.select_related("team").filter(hackathon=hackathon_obj,
                                                                 user=user).first())


@dataclass
class ResultRow:
    rank: int
    submission: Submission
    score: str
    firsts: int


def results(hackathon_obj) -> dict:
    """The published ranking (overall and per challenge), its criteria and the published sheets."""
    sheets = ledger.published_sheets(hackathon_obj)
    record = ledger.results_record(hackathon_obj, sheets)
    submissions = {str(s.public_id): s for s in hackathon_obj.submissions
                   .select_related("team", "challenge")}
    rows = [ResultRow(r["rank"], submissions[r["submission"]], r["score"], r["firsts"])
            for r in record["ranking"]]
    per_challenge = {}
    for row in rows:
        per_challenge.setdefault(row.submission.challenge, []).append(row)
    titles = {key: s.title for key, s in submissions.items()}
    return {"rows": rows, "per_challenge": per_challenge, "criteria": record["criteria"],
            "sheets": [{**s, "title": titles.get(s["submission"], "")} for s in sheets],
            "record": record}


def juror_submissions(juror: Juror) -> list[tuple[Submission, ScoreSheet | None]]:
    """The submissions a juror is given (never a conflicted one, nor their own), with their
    own sheet if any: never another juror's."""
    mine = {s.submission_id: s for s in juror.sheets.all()}
    conflicts = list(juror.conflicts.values_list("team_id", "organisation_id"))
    teams = {t for t, _o in conflicts if t} | set(
        TeamMembership.objects.filter(hackathon=juror.hackathon, user_id=juror.user_id)
        .values_list("team_id", flat=True))
    organisations = {o for _t, o in conflicts if o}
    submissions = (Submission.objects.filter(hackathon=juror.hackathon)
                   .exclude(team_id__in=teams).exclude(challenge__organisation_id__in=organisations)
                   .select_related("team", "challenge").order_by("title", "pk"))
    return [(submission, mine.get(submission.pk)) for submission in submissions]


def progress(hackathon_obj) -> list[dict]:
    """For the organiser: each juror's pseudonym, state and how many sheets they filled."""
    criteria = hackathon_obj.criteria.count()
    jurors = (hackathon_obj.jurors.annotate(
        sheets_filled=Count("sheets", filter=Q(sheets__pk__in=ScoreSheet.objects.annotate(
            n=Count("scores")).filter(n=criteria).values("pk")))).order_by("pseudonym"))
    return list(jurors)


def results_for_verification(hackathon_obj) -> dict:
    """The published results as the ledger holds them, the published sheets as recorded, and the
    index of each one's latest entry (None while it waits for its block)."""
    published = ledger.published_sheets(hackathon_obj)
    sheets = [{"hackathon": str(hackathon_obj.public_id), **s} for s in published]
    indexes = dict(Entry.objects.filter(
        kind__in=(ledger.SHEET_PUBLISHED, ledger.RESULTS),
        subject__in=[ledger.hackathon_subject(hackathon_obj)]
        + [f"hackathon-sheet:{s['sheet']}" for s in sheets]).order_by("id")
        .values_list("subject", "index"))
    return {
        "results": ledger.results_record(hackathon_obj, published),
        "sheets": sheets,
        "entries": {"results": indexes.get(ledger.hackathon_subject(hackathon_obj)),
                    "sheets": {s["sheet"]: indexes.get(f"hackathon-sheet:{s['sheet']}")
                               for s in sheets}},
    }


#: the gallery shows the projects of hackathons whose results are published
GALLERY_STATES = (HackathonState.PUBLISHED,)


def gallery(*, edition: str = "", challenge: str = "", prized: bool = False, dataset: str = ""):
    """Projects of every hackathon with published results, newest hackathon first; filtered by
    edition (slug), challenge title, dataset used (its title) and whether they won a prize. One
    query per page."""
    projects = (Submission.objects.filter(hackathon__state__in=GALLERY_STATES)
                .select_related("team", "challenge", "hackathon__event__edition")
                .order_by("-hackathon__results_published_at", "title", "pk"))
    if edition:
        projects = projects.filter(hackathon__event__edition__slug=edition)
    if challenge:
        projects = projects.filter(challenge__title__iexact=challenge)
    if prized:
        projects = projects.exclude(prize="")
    if dataset:
        projects = projects.filter(Exists(Submission.datasets.through.objects.filter(
            submission=OuterRef("pk"), dataset__title__iexact=dataset.strip())))
    return projects


def gallery_editions() -> list[tuple[str, str]]:
    """The editions that have projects in the gallery: (slug, name)."""
    return list(Submission.objects.filter(hackathon__state__in=GALLERY_STATES)
                .values_list("hackathon__event__edition__slug", "hackathon__event__edition__name")
                .distinct().order_by("hackathon__event__edition__slug"))


def project(public_id) -> Submission:
    """A project page's project: shown once its hackathon's results are published."""
    return (Submission.objects.filter(hackathon__state__in=GALLERY_STATES)
            .select_related("team", "challenge__organisation", "hackathon__event")
            .prefetch_related("datasets").get(public_id=public_id))


def published_projects(edition):
    """An edition's hackathon projects whose results are published, for the API (keyset-paged)."""
    return (Submission.objects.filter(hackathon__event__edition=edition,
                                      hackathon__state__in=GALLERY_STATES)
            .select_related("team", "challenge__organisation", "hackathon__event")
            .prefetch_related("datasets"))


def seekers(hackathon_obj, user):
    """For a participant: the other participants looking for a team, with their profile (first
    name only), those already in a team left out. Empty for anyone else."""
    if not is_participant(user, hackathon_obj):
        return []
    in_teams = TeamMembership.objects.filter(hackathon=hackathon_obj).values("user_id")
    return list(hackathon_obj.profiles.filter(looking_for_team=True)
                .exclude(user_id__in=in_teams).exclude(user=user)
                .select_related("user").order_by("-updated_at")[:100])


def profile_of(user, hackathon_obj):
    if not user.is_authenticated:
        return None
    return hackathon_obj.profiles.filter(user=user).first()
