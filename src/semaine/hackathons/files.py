"""Uploaded dataset files: a size limit and an allow-list of types, each recognised by its
content (a PDF renamed .csv, or an executable renamed .pdf, is refused)."""

import json
import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: the largest dataset file accepted (bytes)
MAX_DATASET_BYTES = 20 * 1024 * 1024
#: how much of the file is read to recognise it
SNIFF_BYTES = 64 * 1024

#: extension → the format it must really be
ALLOWED = {
    ".csv": "CSV", ".tsv": "CSV", ".txt": "CSV", ".json": "JSON", ".geojson": "JSON",
    ".pdf": "PDF", ".zip": "ZIP", ".xlsx": "ZIP", ".ods": "ZIP",
}


def _sniff(head: bytes, whole: bytes | None) -> str | None:
    if head.startswith(b"%PDF-"):
        return "PDF"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "ZIP"
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # a multi-byte character cut at the end of the sample is still text
        if error.start < len(head) - 4:
            return None
        text = head[:error.start].decode("utf-8-sig")
    if text.lstrip()[:1] in ("{", "[") and whole is not None:
        try:
            json.loads(whole.decode("utf-8-sig"))
        except ValueError:
            return None
        return "JSON"
    return "CSV"


def check_upload(upload) -> str:
    """The format of an acceptable upload; a clear French error otherwise."""
    if upload.size > MAX_DATASET_BYTES:
        raise ValidationError({"file": _("Ce fichier dépasse la taille autorisée (%(max)s Mo).")
                               % {"max": MAX_DATASET_BYTES // (1024 * 1024)}})
    extension = os.path.splitext(upload.name or "")[1].lower()
    expected = ALLOWED.get(extension)
    if expected is None:
        raise ValidationError({"file": _("Ce type de fichier n’est pas accepté : déposez un "
                                         "CSV, JSON, GeoJSON, PDF, ZIP, XLSX ou ODS.")})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    whole = None
    if expected == "JSON":
        upload.seek(0)
        whole = upload.read()
    upload.seek(0)
    if _sniff(head, whole) != expected:
        raise ValidationError({"file": _("Le contenu de ce fichier ne correspond pas à son "
                                         "extension (%(extension)s) : il est refusé.")
                               % {"extension": extension}})
    return {"CSV": extension.lstrip(".").upper(), "ZIP": extension.lstrip(".").upper()}.get(
        expected, expected if extension != ".geojson" else "GeoJSON")
