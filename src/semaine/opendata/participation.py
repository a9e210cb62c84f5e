"""Open-data files of the public's participation in an edition: the hackathon projects whose
results are published, and the proposals of the edition's consultations (CSV and JSON each).

Built in the background like the programme's files (``publication``, ``files``), in their own
folder ``participation/<edition>/``, rebuilt when their fingerprint changes (the number and latest
change of the projects, of the proposals and of their comments still shown). No person is ever
named: a project is signed by its team's display name, a proposal by nobody.
"""

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import reverse

from semaine.agenda.models import Edition
from semaine.consultations import queries as consultation_queries
from semaine.consultations.models import Comment, Proposal, ProposalState
from semaine.hackathons import queries as hackathon_queries

from . import exports, files

FORMAT_VERSION = "1"
FILES = {
    "projects_csv": "projets.csv",
    "projects_json": "projets.json",
    "proposals_csv": "propositions.csv",
    "proposals_json": "propositions.json",
}
PROJECT_COLUMNS = [
    "identifiant", "hackathon", "defi", "equipe", "titre", "resume", "licence", "depot", "demo",
    "video", "jeux_de_donnees", "prix", "url",
]
PROPOSAL_COLUMNS = [
    "identifiant", "consultation", "consultation_titre", "titre", "proposition", "categorie",
    "commune", "atelier", "soutiens", "commentaires", "reponse", "justification", "url",
]


def folder(edition: Edition) -> str:
    return f"participation/{edition.slug}"


def fingerprint(edition: Edition) -> str:
    """What the files are made from, in three aggregate queries."""
    projects = hackathon_queries.published_projects(edition).aggregate(
        n=Count("pk"), last=Max("updated_at"), published=Max("hackathon__results_published_at"))
    proposals = Proposal.objects.filter(consultation__edition=edition).aggregate(
        n=Count("pk", filter=Q(state=ProposalState.PUBLISHED)), last=Max("updated_at"),
        consultation=Max("consultation__updated_at"))
    comments = Comment.objects.filter(consultation__edition=edition).aggregate(
        n=Count("pk", filter=Q(hidden_at__isnull=True)), hidden=Count("hidden_at"))
    parts = [FORMAT_VERSION, settings.SITE_URL, edition.slug,
             *map(str, projects.values()), *map(str, proposals.values()), *map(str, comments.values())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def project_rows(edition: Edition, site: str) -> Iterator[dict]:
    projects = hackathon_queries.published_projects(edition).order_by(
        "hackathon__event__title", "challenge__title", "title", "pk")
    for project in projects:
        yield {
            "identifiant": str(project.public_id),
            "hackathon": project.hackathon.event.title,
            "defi": project.challenge.title,
            "equipe": project.team.name,
            "titre": project.title,
            "resume": project.summary,
            "licence": project.licence,
            "depot": project.repository_url,
            "demo": project.demo_url,
            "video": project.video_url,
            "jeux_de_donnees": [dataset.title for dataset in project.datasets.all()],
            "prix": project.prize,
            "url": site + reverse("hackathons:project", kwargs={"public_id": project.public_id}),
        }


def proposal_rows(edition: Edition, site: str) -> Iterator[dict]:
    for proposal in consultation_queries.open_data_proposals(edition):
        yield {
            "identifiant": proposal.pk,
            "consultation": proposal.consultation.slug,
            "consultation_titre": proposal.consultation.title,
            "titre": proposal.title,
            "proposition": proposal.body,
            "categorie": proposal.category.name if proposal.category_id else "",
            "commune": proposal.commune,
            "atelier": str(proposal.workshop.public_id) if proposal.workshop_id else "",
            "soutiens": proposal.supports_count,
            "commentaires": proposal.visible_comments,
            "reponse": str(proposal.get_answer_display()) if proposal.answer else "",
            "justification": proposal.justification if proposal.answer else "",
            "url": site + proposal.get_absolute_url(),
        }


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[str], rows: Iterable[dict]) -> Iterator[str]:
    """RFC 4180 lines, the header first, each text cell neutralised against formulas (lists
    joined by `` | ``)."""
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([exports._cell(" | ".join(row[name]) if isinstance(row[name], list)
                                             else row[name]) for name in columns])


def json_parts(edition: Edition, key: str, rows: Iterable[dict]) -> Iterator[str]:
    """``{"edition": …, "licence": …, "<key>": [...]}``, one row at a time."""
    yield ('{"edition":' + json.dumps(edition.slug) + ',"licence":'
           + json.dumps(exports.LICENCE["name"]) + f',"{key}":[')
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]}\n"


def makers(edition: Edition) -> dict:
    site = settings.SITE_URL
    return {
        FILES["projects_csv"]: lambda: exports.pieces(
            csv_lines(PROJECT_COLUMNS, project_rows(edition, site))),
        FILES["projects_json"]: lambda: exports.pieces(
            json_parts(edition, "projets", project_rows(edition, site))),
        FILES["proposals_csv"]: lambda: exports.pieces(
            csv_lines(PROPOSAL_COLUMNS, proposal_rows(edition, site))),
        FILES["proposals_json"]: lambda: exports.pieces(
            json_parts(edition, "propositions", proposal_rows(edition, site))),
    }


def build(edition: Edition, *, force: bool = False) -> dict | None:
    """Build the edition's participation files if they changed (or ``force``)."""
    current = fingerprint(edition)
    if not force and files.is_current(folder(edition), current):
        return None
    return files.build(folder(edition), current, makers(edition))
