"""The ledger's public interface: C2SP tlog-tiles endpoints under /ledger/, pages under /registre/."""

from __future__ import annotations

import base64
import json
import os
import re

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from semaine.core.problems import problem

from . import audit, merkle, queries, subjects
from .models import Block, Entry, LedgerArchive
from .services import archives_dir, verifier

TEXT = "text/plain; charset=utf-8"
IMMUTABLE = "public, max-age=31536000, immutable"
_TILE = re.compile(
    r"^(?P<level>[0-9]|entries)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<width>[1-9][0-9]{0,2}))?$"
)


def _text(body, *, cache: str) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT if isinstance(body, str) else "application/octet-stream")
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _no_checkpoint(request):
    return problem(request, 404, _("Registre vide"), _("Aucun bloc n’a encore été scellé."))


@require_GET
def checkpoint(request):
    block = queries.latest_block()
    if block is None:
        return _no_checkpoint(request)
    return _text(block.cosigned or block.checkpoint, cache="no-cache")


@require_GET
def key(request):
    return _text(f"{verifier()}\n", cache="public, max-age=3600")


@require_GET
def tile(request, path: str):
    if len(path) > 80 or not (match := _TILE.match(path)):
        return problem(request, 400, _("Requête incorrecte"),
                       _("Chemin de tuile invalide : tile/<niveau>/<N>[.p/<largeur>] (C2SP tlog-tiles)."))
    try:
        number = merkle.parse_tile_index(match["index"])
    except ValueError:
        return problem(request, 400, _("Requête incorrecte"), _("Numéro de tuile non canonique."))
    width = int(match["width"]) if match["width"] else merkle.TILE_WIDTH
    if not 1 <= width < merkle.TILE_WIDTH and match["width"]:
        return problem(request, 400, _("Requête incorrecte"), _("Une tuile partielle a de 1 à 255 éléments."))
    block = queries.latest_block()
    size = block.size if block else 0
    if match["level"] == "entries":
        data = queries.entry_bundle(number, width, size)
    else:
        data = queries.tile(int(match["level"]), number, width, size)
    if data is None:
        return problem(request, 404, _("Introuvable"), _("Cette tuile dépasse la taille de l’arbre."))
    return _text(data, cache=IMMUTABLE)


def _json(data, status=200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def entry_json(request, index: int):
    entry = Entry.objects.filter(index=index).first()
    try:
        data = queries.entry_proof(entry) if entry else None
    except merkle.ProofError:
        return problem(request, 503, _("Registre indisponible"),
                       _("Les données du registre sur ce serveur ne correspondent plus au dernier "
                         "point de contrôle : aucune preuve n’est servie."))
    if data is None:
        return problem(request, 404, _("Introuvable"), _("Aucune entrée scellée à cet indice."))
    return _json({**data, "rendered": _rendered(entry)})


def _rendered(entry: Entry) -> dict:
    """What the page of the recorded thing renders of its record (for an event, its description
    as sanitised HTML), so that the browser compares the text the visitor reads with the text the
    record gives."""
    registered = subjects.describing(entry.kind)
    if registered is None:
        return {}
    try:
        record = json.loads(entry.record)
    except ValueError:
        return {}
    return registered.rendered(record)


@require_GET
def records_json(request, number: int):
    """The public records of entries 256 × ``number`` onwards (up to 256, as far as the latest
    checkpoint goes): what a verifier checks against the SHA-256 each entry holds, then against
    what the site publishes (``semaine ledger verify URL``)."""
    block = queries.latest_block()
    records = queries.records_page(number, block.size if block else 0)
    if records is None:
        return problem(request, 404, _("Introuvable"), _("Aucune entrée scellée à cet indice."))
    return _json({"first": number * merkle.TILE_WIDTH, "records": records})


@require_GET
def consistency_json(request, old: int, new: int):
    block = queries.latest_block()
    size = block.size if block else 0
    if not old <= new <= size:
        return problem(request, 400, _("Requête incorrecte"),
                       _("Il faut 0 ≤ ancienne taille ≤ nouvelle taille ≤ taille de l’arbre (%(size)s).")
                       % {"size": size})
    proof = queries.consistency_proof(old, new)
    return _json({"old": old, "new": new, "proof": [base64.b64encode(p).decode() for p in proof]})


@require_GET
def checkpoints(request):
    """Every block's signed checkpoint, oldest first, 1,000 at a time (``?after=<block>``)."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        return problem(request, 400, _("Requête incorrecte"), _("« after » est un numéro de bloc."))
    blocks = Block.objects.filter(number__gt=after).order_by("number")[:1000]
    return _json({"checkpoints": [
        {"block": b.number, "size": b.size, "sealed_at": b.sealed_at.isoformat(),
         "checkpoint": b.cosigned or b.checkpoint} for b in blocks
    ]})


@require_GET
def mirror_file(request, name: str, path: str):
    """A mirror of another node's log (``semaine ledger mirror``), served read-only as it was
    copied and verified: checkpoint, key, checkpoints.json, tiles and entry bundles."""
    return _static_log(request, os.path.join(settings.DATA_DIR, "mirrors"), name, path)


@require_GET
def archive_file(request, name: str, path: str):
    """A log this node kept before a key rotation (``semaine ledger rotate``), frozen and
    served read-only in the same layout, with the public records of its entries."""
    if not LedgerArchive.objects.filter(name=name).exists():  # a rotation that did not commit
        return problem(request, 404, _("Introuvable"), _("Cette copie ne contient pas ce fichier."))
    if path == "records.jsonl":
        full = os.path.join(archives_dir(), name, path)
        if not os.path.isfile(full):
            return problem(request, 404, _("Introuvable"), _("Cette copie ne contient pas ce fichier."))
        with open(full, "rb") as fh:
            response = HttpResponse(fh.read(), content_type="application/jsonl; charset=utf-8")
        response["Cache-Control"] = IMMUTABLE
        return response
    return _static_log(request, archives_dir(), name, path)


def _static_log(request, folder: str, name: str, path: str):
    root = os.path.realpath(folder)
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,200}", name) or ".." in path or len(path) > 120:
        return problem(request, 400, _("Requête incorrecte"), _("Chemin de copie invalide."))
    match = _TILE.match(path[len("tile/"):]) if path.startswith("tile/") else None
    if path not in ("checkpoint", "key", "checkpoints.json") and not match:
        return problem(request, 400, _("Requête incorrecte"), _("Chemin de copie invalide."))
    base = path.split(".p/")[0]
    full = os.path.realpath(os.path.join(root, name, base))
    if not full.startswith(root + os.sep) or not os.path.isfile(full):
        return problem(request, 404, _("Introuvable"), _("Cette copie ne contient pas ce fichier."))
    if match:
        # a copy keeps the widest version of each tile: cut it as a verifier of the copy does
        source = audit.DirectorySource(os.path.join(root, name))
        width = int(match["width"] or merkle.TILE_WIDTH)
        try:
            number = merkle.parse_tile_index(match["index"])
        except ValueError:
            return problem(request, 400, _("Requête incorrecte"), _("Chemin de copie invalide."))
        try:
            data = (source.bundle(number, width) if match["level"] == "entries"
                    else source.tile(int(match["level"]), number, width))
        except audit.AuditError:
            return problem(request, 404, _("Introuvable"), _("Cette tuile dépasse la taille de l’arbre."))
    else:
        with open(full, "rb") as fh:
            data = fh.read()
    if path == "checkpoints.json":
        after = int(request.GET["after"]) if request.GET.get("after", "").isdigit() else 0
        listed = [c for c in json.loads(data)["checkpoints"] if c["block"] > after][:1000]
        return _json({"checkpoints": listed})
    return _text(data.decode() if path in ("checkpoint", "key") else data,
                 cache="no-cache" if path == "checkpoint" else IMMUTABLE)


# --- pages -------------------------------------------------------------------------------------


def register(request):
    """« Registre public »: blocks, latest entries, how to check them."""
    blocks = Paginator(Block.objects.order_by("-number"), 20).get_page(request.GET.get("page"))
    latest = Entry.objects.exclude(index=None).order_by("-index")[:20]
    return render(request, "ledger/register.html", {
        "blocks": blocks, "latest": latest, "key": verifier(),
        "size": getattr(queries.latest_block(), "size", 0),
        "pending": Entry.objects.filter(index=None).count(),
        "archives": LedgerArchive.objects.all()[:20],
    })


def _crumbs():
    return [{"url": reverse("ledger:register"), "title": _("Registre public")}]


def block_page(request, number: int):
    block = get_object_or_404(Block, number=number)
    entries = Paginator(
        Entry.objects.filter(index__gte=block.first_index, index__lt=block.size).order_by("index"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "ledger/block.html", {"sealed": block, "entries": entries,
                                                 "breadcrumb_links": _crumbs()})


def entry_page(request, index: int):
    entry = get_object_or_404(Entry, index=index)
    block = queries.block_of(index)
    if block is None:
        raise Http404
    record = json.dumps(json.loads(entry.record), ensure_ascii=False, indent=2)
    return render(request, "ledger/entry.html", {"entry": entry, "sealed": block, "record": record,
                                                 "data": bytes(entry.data).decode(),
                                                 "breadcrumb_links": _crumbs()})
