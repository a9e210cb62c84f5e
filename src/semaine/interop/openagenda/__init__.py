"""OpenAgenda's JSON format (the events of its API v2 and of its agenda exports): import an
export into an organisation's programme, and export a programme in the same shape.

``reader`` checks and reads the file, ``mapping`` turns OpenAgenda's fields into ours and back,
``importer`` writes through the agenda's services (one transaction and one report line per
event, recognised again on the next import), ``exporter`` writes a programme in OpenAgenda's
shape, ``tasks`` runs an uploaded file in the background.
"""

from pathlib import Path

from .exporter import agenda_uid_of, export_programme, programme_events
from .importer import (
    Line,
    Outcome,
    execute_import,
    find_programme,
    import_document,
    outcome_label,
    start_import,
)
from .mapping import Mapped, References, Skip, export_event, map_event
from .reader import MAX_BYTES, MAX_EVENTS, FormatError, check_document, max_bytes, read_document

#: An OpenAgenda export to try the import with (a département's agenda, November 2017).
SAMPLE = Path(__file__).resolve().parent / "data" / "openagenda-exemple.json"

__all__ = [
    "MAX_BYTES", "MAX_EVENTS", "SAMPLE", "FormatError", "Line", "Mapped", "Outcome", "References",
    "Skip", "agenda_uid_of", "check_document", "execute_import", "export_event", "export_programme",
    "find_programme", "import_document", "map_event", "max_bytes", "outcome_label",
    "programme_events", "read_document", "start_import",
]
