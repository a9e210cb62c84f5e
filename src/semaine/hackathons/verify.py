"""``semaine hackathon verify URL``: check a hackathon's published results from outside.

From the results page's JSON (``…/resultats.json``), it recomputes the ranking with the published
method (``ranking``) from the published sheets and compares it with the published ranking; then,
for the results and for every sheet, it fetches the ledger entry the node names, checks that the
entry's SHA-256 is that of the published record, and that the entry is in the log under the
node's signed checkpoint (an RFC 9162 inclusion proof, the signature checked with the node's key).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from semaine.ledger import merkle
from semaine.ledger.audit import AuditError, fetch, parse_key, read_json
from semaine.ledger.note import NoteError, open_checkpoint
from semaine.ledger.services import canonical

from . import ranking

MAX_RESULTS_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 256 * 1024


@dataclass
class Verification:
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def results_url(url: str) -> str:
    """The JSON of a results page (the page's address, or the JSON's own)."""
    url = url.split("#")[0].split("?")[0]
    return url if url.endswith(".json") else url.rstrip("/") + ".json"


def recompute(data: dict) -> list[str]:
    """The differences between the published ranking and the one recomputed from the sheets."""
    results, sheets = data["results"], data["sheets"]
    problems = []
    for sheet in sheets:
        if sheet.get("hackathon") != results["hackathon"]:
            problems.append(f"la fiche {sheet.get('sheet')} n’est pas de ce hackathon")
    ranked = ranking.from_records(results["criteria"], sheets)
    mine = [(r.rank, r.submission, ranking.score_text(r.score)) for r in ranked]
    theirs = [(row["rank"], row["submission"], row["score"]) for row in results["ranking"]]
    if mine != theirs:
        for got, shown in zip(mine, theirs, strict=False):
            if got != shown:
                problems.append(f"rang {shown[0]} : publié {shown[1]} ({shown[2]}), recalculé "
                                f"{got[1]} ({got[2]})")
                break
        if len(mine) != len(theirs):
            problems.append(f"{len(theirs)} projets classés, {len(mine)} recalculés")
    return problems


def _check_entry(site: str, index: int, record: dict, verifier, timeout: float) -> str | None:
    proof = read_json(fetch(f"{site}/ledger/entry/{index}.json", MAX_ENTRY_BYTES, timeout),
                      f"entrée n° {index}")
    entry = proof["entry"].encode()
    if json.loads(entry)["sha256"] != hashlib.sha256(canonical(record)).hexdigest():
        return f"entrée n° {index} : le registre n’a pas scellé ce qui est publié"
    try:
        checkpoint = open_checkpoint(proof["checkpoint"], verifier)[0]
    except NoteError as exc:
        return f"entrée n° {index} : point de contrôle refusé ({exc})"
    if checkpoint.size != proof["tree_size"]:
        return f"entrée n° {index} : la preuve n’est pas celle du point de contrôle"
    try:
        merkle.verify_inclusion(index, checkpoint.size, merkle.leaf_hash(entry),
                                [base64.b64decode(p) for p in proof["proof"]], checkpoint.root)
    except (merkle.ProofError, ValueError) as exc:
        return f"entrée n° {index} : preuve d’inclusion refusée ({exc})"
    return None


def verify(url: str, timeout: float = 30.0) -> Verification:
    report = Verification()
    address = results_url(url)
    parts = urlsplit(address)
    site = f"{parts.scheme}://{parts.netloc}"
    try:
        data = read_json(fetch(address, MAX_RESULTS_BYTES, timeout), address)
        problems = recompute(data)
        report.problems += problems
        if not problems:
            report.checked.append(f"classement recalculé à partir de {len(data['sheets'])} "
                                  "fiches : identique au classement publié")
        verifier = parse_key(fetch(f"{site}/ledger/key", 4096, timeout).decode())
        entries = data.get("entries", {})
        recorded = [(entries.get("results"), data["results"], "résultats")]
        recorded += [(entries.get("sheets", {}).get(s["sheet"]), s, f"fiche {s['sheet']}")
                     for s in data["sheets"]]
        sealed = 0
        for index, record, name in recorded:
            if index is None:
                report.problems.append(f"{name} : pas encore scellé dans le registre")
                continue
            problem = _check_entry(site, index, record, verifier, timeout)
            if problem:
                report.problems.append(f"{name} : {problem}")
            else:
                sealed += 1
        if sealed:
            report.checked.append(f"{sealed} enregistrements présents dans le registre signé")
    except AuditError as exc:
        report.problems.append(str(exc))
    except (KeyError, TypeError, ValueError) as exc:
        report.problems.append(f"{address} : réponse mal formée ({exc.__class__.__name__}: {exc})")
    return report
