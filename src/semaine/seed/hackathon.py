"""The demo's hackathon: the Calvados hackathon of the 2017 edition, from
``data/hackathon-2017.yaml`` (read and checked first, every problem naming the file and the entry).

Everything goes through the services, as an organiser, participants and jurors would: set-up,
challenges and datasets, teams and join requests, projects, the jury's scores, closing and
publication (so the ledger holds the commitments, the published sheets and the ranking). The
hackathon took place in 2017: it is played with a deadline still to come, then its schedule is
set to its 2017 dates before scoring closes. Every detail is illustrative.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from semaine.agenda.models import Event
from semaine.hackathons import services
from semaine.hackathons.models import Hackathon
from semaine.registrations.models import Registration, RegistrationStatus

from .demo_data import _PERSON, DATA_DIR, PARIS, _Entry, _File, _person

HACKATHON_FILE = "hackathon-2017.yaml"

#: the 2017 schedule (Paris time): the event ran on 24 and 25 November 2017
SCHEDULE_2017 = {
    "registration_opens_at": datetime(2017, 10, 30, 9, 0, tzinfo=PARIS),
    "registration_closes_at": datetime(2017, 11, 23, 18, 0, tzinfo=PARIS),
    "kickoff_at": datetime(2017, 11, 24, 9, 30, tzinfo=PARIS),
    "submission_deadline": datetime(2017, 11, 25, 15, 0, tzinfo=PARIS),
    "pitches_at": datetime(2017, 11, 25, 16, 0, tzinfo=PARIS),
    "results_at": datetime(2017, 11, 25, 18, 0, tzinfo=PARIS),
}


@dataclass(frozen=True)
class HackathonData:
    root: _Entry
    challenges: list[_Entry]
    teams: list[_Entry]


def read(directory: Path = DATA_DIR) -> HackathonData:
    """The hackathon file, checked: known fields, challenges and datasets named by teams exist,
    one list of scores per juror with one score per criterion within its scale."""
    root = _File(directory, HACKATHON_FILE).root((
        "event", "organisation", "team_max", "rules", "code_of_conduct", "prizes", "challenges",
        "criteria", "jurors", "teams"))
    for name, kind in (("event", str), ("organisation", str), ("team_max", int)):
        root.get(name, kind)
    challenges = [_Entry(root.file, f"défi n° {i}", value, (
        "title", "problem", "serves", "expected_outcome", "contact", "datasets"), named_by="title")
        for i, value in enumerate(root.get("challenges", list), start=1)]
    datasets = set()
    for challenge in challenges:
        challenge.entry("contact", ("name", "email"))
        for j, value in enumerate(challenge.get("datasets", list), start=1):
            dataset = _Entry(root.file, f"{challenge.where}, jeu de données n° {j}", value,
                             ("title", "url", "format", "licence", "producer"), named_by="title")
            datasets.add(dataset.get("title"))
    criteria = [_Entry(root.file, f"critère n° {i}", value,
                       ("name", "weight", "scale_max", "description"), named_by="name")
                for i, value in enumerate(root.get("criteria", list), start=1)]
    jurors = root.get("jurors", list)
    for i, value in enumerate(jurors, start=1):
        _person(_Entry(root.file, f"juré n° {i}", value, _PERSON, named_by="email"))
    titles = {c.get("title") for c in challenges}
    teams = [_Entry(root.file, f"équipe n° {i}", value, (
        "name", "challenge", "members", "project", "scores", "prize"), named_by="name")
        for i, value in enumerate(root.get("teams", list), start=1)]
    for team in teams:
        team.get("challenge", choices=titles)
        team.get("prize", str, "")
        for value in team.get("members", list):
            _person(_Entry(root.file, team.where, value, _PERSON))
        project = team.entry("project", ("title", "summary", "description", "repository_url",
                                         "licence", "datasets"))
        project.words("datasets", datasets, [])
        scores = team.get("scores", list)
        if len(scores) != len(jurors) or any(
                not isinstance(row, list) or len(row) != len(criteria) for row in scores):
            team.fail(f"« scores » : une liste de {len(criteria)} notes par juré "
                      f"({len(jurors)} jurés) est attendue")
        for row in scores:
            for value, criterion in zip(row, criteria, strict=True):
                if not isinstance(value, int) or not 0 <= value <= criterion.get("scale_max", int):
                    team.fail(f"« scores » : {value} n’est pas une note de 0 à "
                              f"{criterion.get('scale_max', int)} ({criterion.get('name')})")
    return HackathonData(root, challenges, teams)


def load(loader, data: HackathonData | None = None) -> Hackathon | None:
    """Play the demo's hackathon (``loader``: the demo's loader, for accounts and organisations).
    Nothing is done if the event already has its hackathon."""
    data = data or read()
    root = data.root
    event = Event.objects.get(edition=loader.edition, title=root.get("event"))
    if Hackathon.objects.filter(event=event).exists():
        return None
    organisation = loader.organisations[root.get("organisation")]
    organiser = loader.users[root.get("organisation")]
    now = timezone.now()
    hack = services.set_up_hackathon(
        organiser, event, registration_opens_at=now, registration_closes_at=now,
        kickoff_at=now, submission_deadline=now + timedelta(days=1),
        pitches_at=now + timedelta(days=1), results_at=now + timedelta(days=1),
        rules=root.get("rules"), code_of_conduct=root.get("code_of_conduct"),
        prizes=root.get("prizes"), team_max=root.get("team_max", int), open_licence_required=True)
    challenges, datasets = {}, {}
    for entry in data.challenges:
        contact = entry.value["contact"]
        challenge = services.add_challenge(
            organiser, hack, organisation=organisation, title=entry.get("title"),
            problem=entry.get("problem"), serves=entry.get("serves"),
            expected_outcome=entry.get("expected_outcome"), contact_name=contact["name"],
            contact_email=contact["email"])
        challenges[challenge.title] = challenge
        for value in entry.value["datasets"]:
            dataset = services.add_dataset(organiser, challenge, **value)
            datasets[dataset.title] = dataset
    services.open_hackathon(organiser, hack)
    criteria = [services.add_criterion(organiser, hack, **value)
                for value in root.get("criteria", list)]
    jurors = []
    for value in root.get("jurors", list):
        user = loader.user(_person(_Entry(root.file, "", value, _PERSON)))
        services.accept_jury(user, services.invite_juror(organiser, hack, user.email).token)
        jurors.append(user)
    prizes = {}
    for entry in data.teams:
        members = [loader.user(_person(_Entry(root.file, "", value, _PERSON)))
                   for value in entry.value["members"]]
        for user in members:
            Registration.objects.get_or_create(
                event=event, email=user.email, status=RegistrationStatus.CONFIRMED,
                defaults={"slot": event.slots.order_by("starts_at").first(), "user": user,
                          "first_name": user.first_name, "last_name": user.last_name,
                          "confirmed_at": now})
        team = services.create_team(members[0], challenges[entry.get("challenge")],
                                    name=entry.get("name"))
        for user in members[1:]:
            services.decide_join_request(members[0], services.request_to_join(user, team),
                                         accept=True)
        project = dict(entry.value["project"])
        used = [datasets[title] for title in project.pop("datasets", [])]
        submission = services.save_submission(members[0], team, datasets=used, **project)
        for user, row in zip(jurors, entry.value["scores"], strict=True):
            services.score(user, submission,
                           values={c.pk: v for c, v in zip(criteria, row, strict=True)})
        prizes[submission.pk] = entry.get("prize", str, "")
    Hackathon.objects.filter(pk=hack.pk).update(**SCHEDULE_2017)
    hack.refresh_from_db()
    services.close_scoring(organiser, hack)
    services.publish_results(organiser, hack, prizes=prizes)
    return hack
