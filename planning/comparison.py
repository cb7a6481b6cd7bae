"""Scenario vs baseline vs what happened, as rows a page shows (issue 16.2).

The counts and measures go through the reports' one suppression pass
(`reporting.suppression.suppress_tables`), with the relation a reader could use declared:
every replayed request ends without a fitting place, placed, or still waiting, so
requests = no fit + placed + waiting at the end in each variant. A count of 1-4 is "<5",
and one more count of that sum is hidden ("x") where a hidden one could be worked out;
a measure over fewer than 5 requests is hidden."""

from __future__ import annotations

from django.utils.translation import gettext as _

from planning.models import ReplayResult
from reporting.suppression import suppress_tables
from reporting.tables import COUNT, MEASURE, Column, Table

VARIANTS = (ReplayResult.Variant.SCENARIO, ReplayResult.Variant.BASELINE, ReplayResult.Variant.REAL)


def _percent(value):
    return None if value is None else round(100 * value, 1)


PARTS = ("no_fit", "placed", "waiting_at_end")


def _published(results: dict[str, ReplayResult]) -> dict[str, dict]:
    """Per variant, its counts and measures as shown (suppressed in one pass)."""
    columns = [
        Column("requests", "", numeric=True, kind=COUNT, sum_of=PARTS),
        *(Column(key, "", numeric=True, kind=COUNT) for key in PARTS),
        Column("out_of_region", "", numeric=True, kind=COUNT),
        Column("median_wait_days", "", numeric=True, kind=MEASURE),
        Column("share_over_28", "", numeric=True, kind=MEASURE),
        Column("median_distance_km", "", numeric=True, kind=MEASURE),
    ]
    present = [v for v in VARIANTS if v in results]
    table_rows = []
    for variant in present:
        r = results[variant]
        waited = r.requests - r.no_fit
        table_rows.append(
            {
                "requests": r.requests,
                **{key: getattr(r, key) for key in PARTS},
                "out_of_region": r.out_of_region,
                "median_wait_days": r.median_wait_days,
                "share_over_28": _percent(r.share_over_28),
                "median_distance_km": r.median_distance_km,
                "_n": {"median_wait_days": waited, "share_over_28": waited, "median_distance_km": r.placed},
            }
        )
    if any(row["requests"] != sum(row[key] for key in PARTS) for row in table_rows):
        columns[0] = Column("requests", "", numeric=True, kind=COUNT)  # no such relation: none declared
    (table,) = suppress_tables([Table("replay", "", columns, table_rows)])
    return dict(zip(present, table.rows, strict=True))


def rows(results: dict[str, ReplayResult]) -> list[dict]:
    """One row per measure, a value per variant (None: no value)."""
    shown = _published(results)

    def values(get):
        return [get(results[v]) if v in results else None for v in VARIANTS]

    def count(name):
        return lambda r: shown[r.variant][name]

    measure = count

    return [
        {"key": "requests", "label": _("Verzoeken afgespeeld"), "values": values(count("requests"))},
        {"key": "no_fit", "label": _("Verzoeken zonder passende plek"), "values": values(count("no_fit"))},
        {"key": "placed", "label": _("Geplaatst in de periode"), "values": values(count("placed"))},
        {"key": "waiting_at_end", "label": _("Wacht nog aan het eind"), "values": values(count("waiting_at_end"))},
        {
            "key": "median_wait_days",
            "label": _("Wachttijd, mediaan (dagen)"),
            "values": values(measure("median_wait_days")),
        },
        {
            "key": "share_over_28",
            "label": _("Aandeel langer dan 28 dagen wachtend (%)"),
            "values": values(measure("share_over_28")),
        },
        {
            "key": "median_distance_km",
            "label": _("Afstand tot de woongemeente, mediaan (km)"),
            "values": values(measure("median_distance_km")),
        },
        {
            "key": "out_of_region",
            "label": _("Geplaatst buiten de eigen regio"),
            "values": values(count("out_of_region")),
        },
        {
            "key": "providers_over_90",
            "label": _("Aanbieders op of boven 90% bezetting"),
            "values": values(lambda r: sum(1 for o in r.occupancy if o.get("over_90"))),
        },
        {
            "key": "cost_eur",
            "label": _("Kosten (tarieven van de regio x dagen, euro)"),
            "values": values(lambda r: r.cost_eur),
        },
    ]


def occupancy_rows(results: dict[str, ReplayResult]) -> list[dict]:
    """Per provider: occupancy in each variant (percent), and whether it reaches 90%."""
    providers: dict[int, dict] = {}
    for index, variant in enumerate(VARIANTS):
        for row in results[variant].occupancy if variant in results else ():
            entry = providers.setdefault(row["provider"], {"name": row["name"], "values": [None] * len(VARIANTS)})
            entry["values"][index] = {"rate": _percent(row["rate"]), "over_90": row["over_90"]}
    return sorted(providers.values(), key=lambda e: e["name"])


def chart(results: dict[str, ReplayResult]) -> dict:
    """Waiting in the three variants (reporting.svg draws it)."""
    table = {row["key"]: row["values"] for row in rows(results)}

    def number(v):
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    labels = [str(ReplayResult.Variant(v).label) for v in VARIANTS]
    return {
        "key": "replay-waiting",
        "title": _("Wachten: scenario, basislijn en wat echt gebeurde"),
        "type": "bar",
        "labels": labels,
        "datasets": [
            {"label": _("Wachttijd, mediaan (dagen)"), "data": [number(v) for v in table["median_wait_days"]]},
            {
                "label": _("Aandeel langer dan 28 dagen wachtend (%)"),
                "data": [number(v) for v in table["share_over_28"]],
            },
        ],
        "norm": None,
        "norm_label": "",
        "unit": "",
        "empty": None,
    }
