"""The 342 municipalities and 42 youth regions (CBS 2025) from data/gemeenten_jeugdregios_2025.csv.

Loaded by a data migration, and again (idempotently) by `seed_demo` and the test setup.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.conf import settings

CSV_PATH = Path(settings.BASE_DIR) / "data" / "gemeenten_jeugdregios_2025.csv"


def read_rows(path: Path = CSV_PATH) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_data_load(region_model=None, municipality_model=None) -> tuple[int, int]:
    """Insert or update every region and municipality. Returns (regions, municipalities)."""
    if region_model is None:
        from accounts.models import Municipality, Region

        region_model, municipality_model = Region, Municipality
    rows = read_rows()
    regions = {row["jeugdregio_code"]: row["jeugdregio_naam"] for row in rows}
    region_model.objects.bulk_create(
        [region_model(code=code, name=name) for code, name in regions.items()],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )
    region_ids = dict(region_model.objects.values_list("code", "id"))
    municipality_model.objects.bulk_create(
        [
            municipality_model(
                code=row["gemeente_code"],
                name=row["gemeente_naam"],
                region_id=region_ids[row["jeugdregio_code"]],
                latitude=Decimal(row["lat"]),
                longitude=Decimal(row["lon"]),
            )
            for row in rows
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "region", "latitude", "longitude"],
    )
    return len(regions), len(rows)
