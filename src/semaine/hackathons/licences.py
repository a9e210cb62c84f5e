"""The open licences a submission may carry when the rules require one: SPDX identifiers of
licences approved by the OSI (code) and of open-data and open-content licences (data, texts).
A short list on purpose: an organiser who needs another open licence asks for it to be added."""

OPEN_LICENCES = {
    # code (OSI-approved)
    "MIT": "MIT",
    "Apache-2.0": "Apache 2.0",
    "BSD-2-Clause": "BSD 2 clauses",
    "BSD-3-Clause": "BSD 3 clauses",
    "GPL-2.0-or-later": "GNU GPL 2.0 ou ultérieure",
    "GPL-3.0-only": "GNU GPL 3.0",
    "GPL-3.0-or-later": "GNU GPL 3.0 ou ultérieure",
    "LGPL-3.0-or-later": "GNU LGPL 3.0 ou ultérieure",
    "AGPL-3.0-only": "GNU AGPL 3.0",
    "AGPL-3.0-or-later": "GNU AGPL 3.0 ou ultérieure",
    "MPL-2.0": "Mozilla Public License 2.0",
    "EUPL-1.2": "EUPL 1.2",
    "CECILL-2.1": "CeCILL 2.1",
    "ISC": "ISC",
    # data and content
    "etalab-2.0": "Licence Ouverte 2.0 (Etalab)",
    "ODbL-1.0": "Open Database License 1.0",
    "ODC-By-1.0": "Open Data Commons Attribution 1.0",
    "PDDL-1.0": "Open Data Commons Public Domain 1.0",
    "CC-BY-4.0": "Creative Commons Attribution 4.0",
    "CC-BY-SA-4.0": "Creative Commons Attribution – Partage dans les mêmes conditions 4.0",
    "CC0-1.0": "Creative Commons Zero 1.0",
}


def is_open(identifier: str) -> bool:
    return identifier in OPEN_LICENCES
