"""The reference code lists the product records, read from the files in `data/` in this
one place:

- `data/cbs_codelijsten.csv`: CBS *Beleidsinformatie Jeugd* code lists (verwijzer,
  crisis, hulpvorm_verblijf, reden_beeindiging, ...). The TextChoices that store these
  codes (accounts.ReferrerCode, placement.EndReason, the care-form codes of
  capacity.CareType) carry the same codes and Dutch labels, marked for translation; a
  test holds them equal to this file, and the CBS export checks every code it writes
  against it (`cbs_code_check`).
- `data/g7_intensiteiten.csv`: the G7 intensity bands with their default day tariffs,
  loaded into `capacity.IntensityBand` / `capacity.RegionBandTariff` by a migration.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CBS_CSV = DATA_DIR / "cbs_codelijsten.csv"
G7_CSV = DATA_DIR / "g7_intensiteiten.csv"

REFERRER = "verwijzer"
CRISIS = "crisis"
CARE_FORM = "hulpvorm_verblijf"
END_REASON = "reden_beeindiging"


@cache
def cbs_lists() -> dict[str, tuple[tuple[str, str], ...]]:
    """list name -> ((code, label), ...) in the file's order."""
    lists: dict[str, list[tuple[str, str]]] = {}
    with CBS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            lists.setdefault(row["list"], []).append((row["code"], row["label"]))
    return {name: tuple(rows) for name, rows in lists.items()}


def cbs_choices(name: str) -> list[tuple[str, str]]:
    return list(cbs_lists()[name])


def cbs_codes(name: str) -> list[str]:
    return [code for code, _label in cbs_lists()[name]]


def cbs_code_check(name: str, code: str) -> str:
    """`code` if it is in the CBS list `name`; ValueError otherwise (never write a code
    CBS does not know)."""
    if code not in cbs_codes(name):
        raise ValueError(f"{code!r} is not a code of the CBS list {name!r}")
    return code


@cache
def g7_bands() -> tuple[dict, ...]:
    """The G7 bands, lightest first: {code, hours_from, hours_to, tariff} (Decimals)."""
    with G7_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            {
                "code": row["band"],
                "hours_from": Decimal(row["hours_from"]),
                "hours_to": Decimal(row["hours_to"]),
                "tariff": Decimal(row["tariff_eur_per_day"]),
            }
            for row in csv.DictReader(handle)
        )
