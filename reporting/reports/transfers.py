"""3. Transfers (doorplaatsingen): of the placements that ended in the period, how many
led to a transfer, per provider, per youth, per month, the CBS end reasons and where the
youth went after the stay (after-care destination, issue 11).

Only `placement_transfer` rows count as transfers: a change in place (intensity, legal
status, care type; `placement.PlacementChange`) ends nothing and is never counted here."""

from __future__ import annotations

from django.utils.translation import gettext as _

from placement.models import AftercareDestination, EndReason
from reporting.registry import report
from reporting.reports.common import Scope, fetch, months, pct, scope_from_params
from reporting.tables import MEASURE, Column, Table

ENDED_SQL = """
    SELECT p.id, p.provider_id, org.name AS provider, p.youth_id, p.end_date, p.end_reason,
           p.aftercare_destination, (t.id IS NOT NULL) AS transferred
    FROM placement_placement p
    JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN accounts_organisation org ON org.id = p.provider_id
    LEFT JOIN placement_transfer t ON t.from_placement_id = p.id
    WHERE r.region_id = ANY(%(regions)s) AND p.end_date BETWEEN %(start)s AND %(end)s
"""

# Youth transferred in the period, by their number of transfers up to the period's end.
PER_YOUTH_SQL = """
    SELECT n, count(*) AS youth FROM (
        SELECT t.youth_id,
               (SELECT count(*) FROM placement_transfer t2
                JOIN placement_placement p2 ON p2.id = t2.from_placement_id
                WHERE t2.youth_id = t.youth_id AND p2.end_date <= %(end)s) AS n
        FROM placement_transfer t
        JOIN placement_placement p ON p.id = t.from_placement_id
        JOIN placement_placementrequest r ON r.id = p.request_id
        WHERE r.region_id = ANY(%(regions)s) AND p.end_date BETWEEN %(start)s AND %(end)s
        GROUP BY t.youth_id
    ) x GROUP BY n ORDER BY n
"""


def _rate_column(label):
    """Transfers per 100 ended placements: an exact function of both counts of the row."""
    return Column("rate", label, True, kind=MEASURE, n_key="ended", parts=("ended", "transfers"))


def build(scope: Scope) -> list[Table]:
    """Exact figures. Providers and months each add up to the summary's ended placements
    and transfers; end reasons and destinations to the ended placements."""
    params = scope.sql()
    ended = fetch(ENDED_SQL, params)
    n_ended = len(ended)
    n_transfers = sum(1 for p in ended if p["transferred"])
    youth = {p["youth_id"] for p in ended if p["transferred"]}
    per_youth = {r["n"]: r["youth"] for r in fetch(PER_YOUTH_SQL, params)}
    summary = [
        {"figure": _("Plaatsingen beëindigd"), "value": n_ended, "_id": {"value": "ended"}},
        {"figure": _("Doorplaatsingen"), "value": n_transfers, "_id": {"value": "transfers"}},
        {
            "figure": _("Doorplaatsingen per 100 beëindigde plaatsingen"),
            "value": pct(n_transfers, n_ended),
            "_kind": {"value": MEASURE},
            "_n": n_ended,
            "_of": {"value": ["ended", "transfers"]},
        },
        {"figure": _("Jeugdigen doorgeplaatst"), "value": len(youth), "_id": {"value": "youth"}},
        {
            "figure": _("Jeugdigen met twee of meer doorplaatsingen"),
            "value": sum(v for k, v in per_youth.items() if k >= 2),
        },
    ]
    tables = [
        Table(
            "summary",
            _("Doorplaatsingen: kerncijfers"),
            [Column("figure", _("Cijfer")), Column("value", _("Waarde"), True)],
            summary,
        )
    ]

    providers: dict[int, dict] = {}
    for p in ended:
        row = providers.setdefault(
            p["provider_id"], {"id": p["provider_id"], "provider": p["provider"], "ended": 0, "transfers": 0}
        )
        row["ended"] += 1
        row["transfers"] += int(p["transferred"])
    rows = []
    for row in sorted(providers.values(), key=lambda r: (r["provider"], r["id"])):
        out = {
            "provider": row["provider"],
            "ended": row["ended"],
            "transfers": row["transfers"],
            "rate": pct(row["transfers"], row["ended"]),
        }
        if scope.drill:
            out["drill"] = f"figure=provider&value={row['id']}"
        rows.append(out)
    tables.append(
        Table(
            "by_provider",
            _("Doorplaatsingen per aanbieder (van de beëindigde plaatsing)"),
            [
                Column("provider", _("Aanbieder")),
                Column("ended", _("Beëindigd"), True),
                Column("transfers", _("Doorplaatsingen"), True),
                _rate_column(_("Per 100 beëindigd")),
            ],
            rows,
            column_totals={"ended": "ended", "transfers": "transfers"},
        )
    )

    youth_rows = [
        {"label": "1", "youth": per_youth.get(1, 0)},
        {"label": "2", "youth": per_youth.get(2, 0)},
        {"label": _("3 of meer"), "youth": sum(v for k, v in per_youth.items() if k >= 3)},
    ]
    youth_total = {"label": _("Totaal"), "youth": sum(per_youth.values()), "_total": True, "_id": {"youth": "youth"}}
    tables.append(
        Table(
            "per_youth",
            _("Jeugdigen naar aantal doorplaatsingen (tot en met het einde van de periode)"),
            [Column("label", _("Doorplaatsingen")), Column("youth", _("Jeugdigen"), True)],
            youth_rows + [youth_total],
        )
    )

    month_rows = []
    for first, last in months(scope.start, scope.end):
        in_month = [p for p in ended if first <= p["end_date"] <= last]
        n, t = len(in_month), sum(1 for p in in_month if p["transferred"])
        month_rows.append({"month": first.strftime("%Y-%m"), "ended": n, "transfers": t, "rate": pct(t, n)})
    tables.append(
        Table(
            "by_month",
            _("Doorplaatsingspercentage per maand"),
            [
                Column("month", _("Maand")),
                Column("ended", _("Beëindigd"), True),
                Column("transfers", _("Doorplaatsingen"), True),
                _rate_column(_("Per 100 beëindigd")),
            ],
            month_rows,
            column_totals={"ended": "ended", "transfers": "transfers"},
        )
    )

    reason_rows = [
        {"code": code, "label": f"{code} {label}", "count": sum(1 for p in ended if p["end_reason"] == code)}
        for code, label in EndReason.choices
    ]
    reason_total = {"code": "", "label": _("Totaal"), "count": n_ended, "_total": True, "_id": {"count": "ended"}}
    tables.append(
        Table(
            "end_reasons",
            _("Reden van beëindiging (CBS)"),
            [Column("label", _("Reden")), Column("count", _("Plaatsingen"), True)],
            reason_rows + [reason_total],
        )
    )

    destination_rows = [
        {"code": code, "label": str(label), "count": sum(1 for p in ended if p["aftercare_destination"] == code)}
        for code, label in AftercareDestination.choices
    ]
    destination_total = {"code": "", "label": _("Totaal"), "count": n_ended, "_total": True, "_id": {"count": "ended"}}
    tables.append(
        Table(
            "aftercare",
            _("Bestemming na vertrek (uitstroom naar lichtere zorg is een kerncijfer)"),
            [Column("label", _("Bestemming")), Column("count", _("Plaatsingen"), True)],
            destination_rows + [destination_total],
        )
    )
    return tables


def drill(scope: Scope, query: dict) -> list[int]:
    if query.get("figure") != "provider" or not str(query.get("value", "")).isdigit():
        return []
    ended = ENDED_SQL.replace("SELECT p.id,", "SELECT p.request_id, p.id,", 1)
    sql = f"SELECT x.request_id AS id FROM ({ended}) x WHERE x.provider_id = %(provider)s ORDER BY x.end_date, x.id"
    return [r["id"] for r in fetch(sql, scope.sql(provider=int(query["value"])))]


@report("transfers")
def transfers(*, membership, params):
    return build(scope_from_params(membership, params))
