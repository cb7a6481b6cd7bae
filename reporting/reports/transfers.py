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


# Issue 15.6: the whole report in one statement; the ended placements are derived once and
# counted in SQL per provider, month, end reason and destination (rows handed back as JSON).
REPORT_SQL = f"""
    WITH e AS MATERIALIZED ({ENDED_SQL})
    SELECT (SELECT json_build_object(
                'ended', count(*), 'transfers', count(*) FILTER (WHERE e.transferred),
                'youth', count(DISTINCT e.youth_id) FILTER (WHERE e.transferred)) FROM e) AS totals,
           (SELECT json_agg(x) FROM (
                SELECT e.provider_id AS id, e.provider, count(*) AS ended,
                       count(*) FILTER (WHERE e.transferred) AS transfers
                FROM e GROUP BY e.provider_id, e.provider) x) AS providers,
           (SELECT json_object_agg(x.month, x.counts) FROM (
                SELECT to_char(e.end_date, 'YYYY-MM') AS month,
                       json_build_array(count(*), count(*) FILTER (WHERE e.transferred)) AS counts
                FROM e GROUP BY 1) x) AS months,
           (SELECT json_object_agg(x.code, x.n) FROM (
                SELECT e.end_reason AS code, count(*) AS n FROM e WHERE e.end_reason IS NOT NULL GROUP BY 1) x)
               AS reasons,
           (SELECT json_object_agg(x.code, x.n) FROM (
                SELECT e.aftercare_destination AS code, count(*) AS n FROM e
                WHERE e.aftercare_destination IS NOT NULL GROUP BY 1) x) AS destinations,
           (SELECT json_object_agg(x.n, x.youth) FROM ({PER_YOUTH_SQL}) x) AS per_youth
"""


def _rate_column(label):
    """Transfers per 100 ended placements: an exact function of both counts of the row."""
    return Column("rate", label, True, kind=MEASURE, n_key="ended", parts=("ended", "transfers"))


def build(scope: Scope) -> list[Table]:
    """Exact figures. Providers and months each add up to the summary's ended placements
    and transfers; end reasons and destinations to the ended placements."""
    (report,) = fetch(REPORT_SQL, scope.sql())
    totals = report["totals"]
    n_ended, n_transfers = totals["ended"], totals["transfers"]
    per_youth = {int(n): youth for n, youth in (report["per_youth"] or {}).items()}
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
        {"figure": _("Jeugdigen doorgeplaatst"), "value": totals["youth"], "_id": {"value": "youth"}},
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

    rows = []
    for row in sorted(report["providers"] or [], key=lambda r: (r["provider"], r["id"])):
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
    by_month = report["months"] or {}
    for first, _last in months(scope.start, scope.end):
        n, t = by_month.get(first.strftime("%Y-%m"), (0, 0))
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

    reasons = report["reasons"] or {}
    reason_rows = [
        {"code": code, "label": f"{code} {label}", "count": reasons.get(code, 0)} for code, label in EndReason.choices
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

    destinations = report["destinations"] or {}
    destination_rows = [
        {"code": code, "label": str(label), "count": destinations.get(code, 0)}
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
