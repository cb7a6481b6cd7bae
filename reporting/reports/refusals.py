"""2. Refusals: how many providers were asked per placement, declines per provider and
reason (an expiry counts as the reason "no answer in time"), withdrawals, the share
placed at the first offer, and refusals after acceptance (fall-through) under who refused:
the youth, the parents or the provider. Offers count in the period they were made."""

from __future__ import annotations

from django.utils.translation import gettext as _

from placement.models import DeclineReason, FallThroughParty
from reporting.registry import report
from reporting.reports.common import Scope, fetch, num, pct, scope_from_params
from reporting.suppression import SUPPRESSED
from reporting.tables import MEASURE, Column, Table

OFFERS_SQL = """
    SELECT o.provider_id, org.name AS provider, o.status, o.decline_reason, o.fall_through_party, count(*) AS n
    FROM placement_offer o
    JOIN placement_placementrequest r ON r.id = o.request_id
    JOIN accounts_organisation org ON org.id = o.provider_id
    WHERE r.region_id = ANY(%(regions)s) AND o.created_at >= %(start_at)s AND o.created_at < %(end_at)s
    GROUP BY o.provider_id, org.name, o.status, o.decline_reason, o.fall_through_party
"""

# Placements started in the period and how many offers their request needed up to and
# including the accepted one (issue 15.2: a join counted per placement, not a subquery run
# for each; the accepted offer itself always joins, so every placement counts at least 1).
PLACEMENTS_SQL = """
    SELECT n_offers, count(*) AS placements FROM (
        SELECT p.id, count(*) AS n_offers
        FROM placement_placement p
        JOIN placement_offer o ON o.id = p.offer_id
        JOIN placement_placementrequest r ON r.id = p.request_id
        JOIN placement_offer o2 ON o2.request_id = p.request_id AND o2.created_at <= o.created_at
        WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s
        GROUP BY p.id
    ) x GROUP BY n_offers ORDER BY n_offers
"""

# Issue 15.6: both in one round trip.
REPORT_SQL = f"""
    SELECT (SELECT json_agg(x) FROM ({OFFERS_SQL}) x) AS offers,
           (SELECT json_agg(x) FROM ({PLACEMENTS_SQL}) x) AS placements
"""

STATUSES = ["accepted", "declined", "expired", "withdrawn", "fallen_through", "open"]


def _reason_name(code: str) -> str:
    """The quantity of a refusal reason; "no answer in time" is every expiry."""
    return "expired" if code == DeclineReason.NO_ANSWER else f"reason:{code}"


def build(scope: Scope) -> list[Table]:
    """Exact figures. The summary's counts are the column totals of the per-provider
    tables (one quantity each, `_id` / `column_totals`); the mean offers per placement and
    the share placed at the first offer are exact functions of the distribution table, so
    they are hidden whenever one of its counts is."""
    (report,) = fetch(REPORT_SQL, scope.sql())
    offers = report["offers"] or []
    placements = {r["n_offers"]: r["placements"] for r in report["placements"] or []}
    n_placed = sum(placements.values())
    first = placements.get(1, 0)
    offers_for_placements = sum(k * v for k, v in placements.items())
    total = {st: sum(r["n"] for r in offers if r["status"] == st) for st in STATUSES}
    n_offers = sum(total.values())
    distribution = ["offers_1", "offers_2", "offers_3", "offers_4plus", "placed"]

    summary = [
        {"figure": _("Aanmeldingen gedaan"), "value": n_offers, "_id": {"value": "offers"}},
        {
            "figure": _("Afgewezen door aanbieder"),
            "value": total["declined"],
            "_id": {"value": "declined"},
            "_in": {"value": "refused"},
        },
        {
            "figure": _("Verlopen zonder antwoord"),
            "value": total["expired"],
            "_id": {"value": "expired"},
            "_in": {"value": "refused"},
        },
        {"figure": _("Ingetrokken door coördinator"), "value": total["withdrawn"], "_id": {"value": "withdrawn"}},
        {
            "figure": _("Afgevallen na acceptatie"),
            "value": total["fallen_through"],
            "_id": {"value": "fallen_through"},
        },
        {"figure": _("Plaatsingen gestart"), "value": n_placed, "_id": {"value": "placed"}},
        {
            "figure": _("Gemiddeld aantal aanmeldingen per plaatsing"),
            "value": num(offers_for_placements / n_placed, 2) if n_placed else None,
            "_kind": {"value": MEASURE},
            "_n": n_placed,
            "_of": {"value": distribution},
        },
        {
            "figure": _("Aandeel geplaatst bij de eerste aanmelding (%)"),
            "value": pct(first, n_placed),
            "_kind": {"value": MEASURE},
            "_n": n_placed,
            "_of": {"value": ["offers_1", "placed"]},
        },
    ]
    tables = [
        Table(
            "summary",
            _("Weigeringen: kerncijfers"),
            [Column("figure", _("Cijfer")), Column("value", _("Waarde"), True)],
            summary,
        )
    ]

    dist = [
        {"label": "1", "count": placements.get(1, 0), "_id": {"count": "offers_1"}},
        {"label": "2", "count": placements.get(2, 0), "_id": {"count": "offers_2"}},
        {"label": "3", "count": placements.get(3, 0), "_id": {"count": "offers_3"}},
        {
            "label": _("4 of meer"),
            "count": sum(v for k, v in placements.items() if k >= 4),
            "_id": {"count": "offers_4plus"},
        },
    ]
    dist_total = {"label": _("Totaal"), "count": n_placed, "_total": True, "_id": {"count": "placed"}}
    tables.append(
        Table(
            "offers_per_placement",
            _("Aantal gevraagde aanbieders per plaatsing"),
            [Column("label", _("Aanmeldingen")), Column("count", _("Plaatsingen"), True)],
            dist + [dist_total],
        )
    )

    providers: dict[int, dict] = {}
    reasons = [code for code, _label in DeclineReason.choices]
    for r in offers:
        row = providers.setdefault(
            r["provider_id"],
            {
                "provider_id": r["provider_id"],
                "provider": r["provider"],
                **{st: 0 for st in STATUSES},
                **{f"r_{c}": 0 for c in reasons},
            },
        )
        row[r["status"]] += r["n"]
        if r["status"] == "declined":
            row[f"r_{r['decline_reason']}"] += r["n"]
        elif r["status"] == "expired":
            row["r_no_answer"] += r["n"]
    ordered = sorted(providers.values(), key=lambda row: (row["provider"], row["provider_id"]))

    by_provider, by_provider_reason = [], []
    for row in ordered:
        offers_n = sum(row[st] for st in STATUSES)
        refused = row["declined"] + row["expired"]
        out = {
            "provider": row["provider"],
            "offers": offers_n,
            **{st: row[st] for st in STATUSES},
            "refusal_share": pct(refused, offers_n),
        }
        if scope.drill:
            out["drill"] = f"figure=provider&value={row['provider_id']}"
        by_provider.append(out)
        by_provider_reason.append(
            {
                "provider": row["provider"],
                "refused": refused,
                **{c: row[f"r_{c}"] for c in reasons},
                # The provider's refusals are its declines and expiries of the table above,
                # and "no answer in time" is its expiries.
                "_id": {"refused": f"refused:{row['provider_id']}", "no_answer": f"expired:{row['provider_id']}"},
            }
        )
        out["_in"] = {"declined": f"refused:{row['provider_id']}", "expired": f"refused:{row['provider_id']}"}
        out["_id"] = {"expired": f"expired:{row['provider_id']}"}
    tables.append(
        Table(
            "by_provider",
            _("Aanmeldingen per aanbieder"),
            [
                Column("provider", _("Aanbieder")),
                Column("offers", _("Aanmeldingen"), True, sum_of=tuple(STATUSES)),
                Column("accepted", _("Geaccepteerd"), True),
                Column("declined", _("Afgewezen"), True),
                Column("expired", _("Verlopen"), True),
                Column("withdrawn", _("Ingetrokken"), True),
                Column("fallen_through", _("Afgevallen na acceptatie"), True),
                Column("open", _("Open"), True),
                Column(
                    "refusal_share",
                    _("Weigeringen %"),
                    True,
                    kind=MEASURE,
                    n_key="offers",
                    parts=("offers", "declined", "expired"),
                ),
            ],
            by_provider,
            column_totals={st: st for st in STATUSES} | {"offers": "offers"},
        )
    )

    # Who refused: the provider before acceptance (declines and expiries) and, after it,
    # the youth, the parents or the provider (fall-through).
    parties = {p: sum(r["n"] for r in offers if r["fall_through_party"] == p) for p in FallThroughParty.values}
    who_rows = [
        {
            "code": "provider_decline",
            "label": _("Aanbieder, voor acceptatie"),
            "count": total["declined"] + total["expired"],
            "_id": {"count": "refused"},
        },
        *(
            {
                "code": f"fall_through_{code}",
                "label": _("%(party)s, na acceptatie") % {"party": label},
                "count": parties[code],
                "_in": {"count": "fallen_through"},
            }
            for code, label in FallThroughParty.choices
        ),
    ]
    who_total = {"code": "", "label": _("Totaal"), "count": sum(r["count"] for r in who_rows), "_total": True}
    tables.append(
        Table(
            "by_who",
            _("Weigeringen naar wie weigerde"),
            [Column("label", _("Wie weigerde")), Column("count", _("Weigeringen"), True)],
            who_rows + [who_total],
        )
    )

    reason_rows = [
        {
            "code": c,
            "label": str(label),
            "count": sum(p[f"r_{c}"] for p in providers.values()),
            "_id": {"count": _reason_name(c)},
        }
        for c, label in DeclineReason.choices
    ]
    reason_total = {
        "code": "",
        "label": _("Totaal"),
        "count": total["declined"] + total["expired"],
        "_total": True,
        "_id": {"count": "refused"},
    }
    tables.append(
        Table(
            "by_reason",
            _("Weigeringen per reden"),
            [Column("label", _("Reden")), Column("count", _("Weigeringen"), True)],
            reason_rows + [reason_total],
        )
    )
    tables.append(
        Table(
            "by_provider_reason",
            _("Weigeringsredenen per aanbieder"),
            [
                Column("provider", _("Aanbieder")),
                Column("refused", _("Weigeringen"), True, sum_of=tuple(reasons)),
            ]
            + [Column(c, str(label), True) for c, label in DeclineReason.choices],
            by_provider_reason,
            column_totals={"refused": "refused"} | {c: _reason_name(c) for c in reasons},
        )
    )
    return tables


def drill(scope: Scope, query: dict) -> list[int]:
    if query.get("figure") != "provider" or not str(query.get("value", "")).isdigit():
        return []
    sql = """SELECT DISTINCT r.id FROM placement_offer o JOIN placement_placementrequest r ON r.id = o.request_id
             WHERE r.region_id = ANY(%(regions)s) AND o.provider_id = %(provider)s
               AND o.created_at >= %(start_at)s AND o.created_at < %(end_at)s ORDER BY r.id"""
    return [r["id"] for r in fetch(sql, scope.sql(provider=int(query["value"])))]


@report("refusals")
def refusals(*, membership, params):
    return build(scope_from_params(membership, params))


__all__ = ["build", "drill", "SUPPRESSED"]
