"""Loads the COG reference files shipped in ``data/`` (used by the data migration)."""

import csv
from pathlib import Path

from django.utils.text import slugify

DATA = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(region_model, departement_model) -> None:
    regions = {}
    for row in read_rows("regions.csv"):
        region, _ = region_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "slug": slugify(row["name"]),
                "overseas": row["overseas"] == "1",
            },
        )
        regions[row["code"]] = region
    for row in read_rows("departements.csv"):
        departement_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "slug": slugify(f"{row['code']}-{row['name']}"),
                "region": regions[row["region"]],
                "prefecture": row["prefecture"],
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
            },
        )
