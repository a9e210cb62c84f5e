"""The sample export of a Loire-Atlantique-like agenda and helpers of the OpenAgenda tests."""

import copy
import json
from datetime import datetime
from pathlib import Path

from semaine.agenda.models import PARIS

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "openagenda-loire-atlantique.json"


def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def event_of(document: dict, uid: int) -> dict:
    return next(e for e in document["events"] if e["uid"] == uid)


def one_event(**changes) -> dict:
    """The sample's first event (a visit in Nantes), changed as given, alone in a document."""
    raw = copy.deepcopy(sample()["events"][0])
    raw.update(changes)
    return {"agenda": {"uid": 51824379}, "events": [raw]}


def by_outcome(lines) -> dict:
    result = {}
    for line in lines:
        result.setdefault(line.outcome, []).append(line)
    return result


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)
