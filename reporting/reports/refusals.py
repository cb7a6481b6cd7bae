"""2. Refusals: how many providers were asked per placement, declines per provider and
reason (an expiry counts as the reason "no answer in time"), withdrawals, the share
placed at the first offer, and refusals after acceptance (fall-through) under who refused:
the youth, the parents or the provider. Offers count in the period they were made."""

from __future__ import annotations

from django.utils.translation import gettext as _

from placement.models import DeclineReason, FallThroughParty
from reporting.registry import report
from reporting.reports.common import Scope, count_column, fetch, figure, num, scope_from_params, shown_share
from reporting.suppression import SUPPRESSED, suppress_counts, suppress_total
from reporting.tables import Column, Table

OFFERS_SQL = """
    SELECT o.provider_id, org.name AS provider, o.status, o.decline_reason, o.fall_through_party, count(*) AS n
    FROM placement_offer o
    JOIN placement_placementrequest r ON r.id = o.request_id
    JOIN accounts_organisation org ON org.id = o.provider_id
    WHERE r.region_id = ANY(%(regions)s) AND o.created_at >= %(start_at)s AND o.created_at < %(end_at)s
    GROUP BY o.provider_id, org.name, o.status, o.decline_reason, o.fall_through_party
"""

# Placements started in the period and how many offers their request needed up to and
# including the accepted one.
PLACEMENTS_SQL = """
    SELECT n_offers, count(*) AS placements FROM (
        SELECT (SELECT count(*) FROM placement_offer o2
                WHERE o2.request_id = p.request_id AND o2.created_at <= o.created_at) AS n_offers
        FROM placement_placement p
        JOIN placement_offer o ON o.id = p.offer_id
        JOIN placement_placementrequest r ON r.id = p.request_id
        WHERE r.region_id = ANY(%(regions)s) AND p.start_date BETWEEN %(start)s AND %(end)s
    ) x GROUP BY n_offers ORDER BY n_offers
"""

STATUSES = ["accepted", "declined", "expired", "withdrawn", "fallen_through", "open"]


def build(scope: Scope) -> list[Table]:
    s = scope.suppress
    params = scope.sql()
    offers = fetch(OFFERS_SQL, params)
    placements = {r["n_offers"]: r["placements"] for r in fetch(PLACEMENTS_SQL, params)}
    n_placed = sum(placements.values())
    first = placements.get(1, 0)
    offers_for_placements = sum(k * v for k, v in placements.items())
    total = {st: sum(r["n"] for r in offers if r["status"] == st) for st in STATUSES}
    n_offers = sum(total.values())

    summary = [
        {"figure": _("Aanmeldingen gedaan"), "value": figure(n_offers, n_offers, suppress=s)},
        {"figure": _("Afgewezen door aanbieder"), "value": figure(total["declined"], total["declined"], suppress=s)},
        {"figure": _("Verlopen zonder antwoord"), "value": figure(total["expired"], total["expired"], suppress=s)},
        {
            "figure": _("Ingetrokken door coördinator"),
            "value": figure(total["withdrawn"], total["withdrawn"], suppress=s),
        },
        {
            "figure": _("Afgevallen na acceptatie"),
            "value": figure(total["fallen_through"], total["fallen_through"], suppress=s),
        },
        {"figure": _("Plaatsingen gestart"), "value": figure(n_placed, n_placed, suppress=s)},
        {
            "figure": _("Gemiddeld aantal aanmeldingen per plaatsing"),
            "value": figure(num(offers_for_placements / n_placed, 2) if n_placed else None, n_placed, suppress=s),
        },
        {
            "figure": _("Aandeel geplaatst bij de eerste aanmelding (%)"),
            "value": shown_share(first, n_placed, suppress=s),
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
        {"label": "1", "count": placements.get(1, 0)},
        {"label": "2", "count": placements.get(2, 0)},
        {"label": "3", "count": placements.get(3, 0)},
        {"label": _("4 of meer"), "count": sum(v for k, v in placements.items() if k >= 4)},
    ]
    dist_total = {"label": _("Totaal"), "count": n_placed}
    count_column(dist, "count", dist_total, suppress=s)
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
        cells = suppress_counts([row[st] for st in STATUSES], with_total=True, suppress=s)
        out = {
            "provider": row["provider"],
            "offers": suppress_total(offers_n, suppress=s),
            **dict(zip(STATUSES, cells, strict=True)),
            "refusal_share": shown_share(refused, offers_n, suppress=s),
        }
        if scope.drill:
            out["drill"] = f"figure=provider&value={row['provider_id']}"
        by_provider.append(out)
        reason_cells = suppress_counts([row[f"r_{c}"] for c in reasons], with_total=True, suppress=s)
        by_provider_reason.append(
            {
                "provider": row["provider"],
                "refused": suppress_total(refused, suppress=s),
                **dict(zip(reasons, reason_cells, strict=True)),
            }
        )
    tables.append(
        Table(
            "by_provider",
            _("Aanmeldingen per aanbieder"),
            [
                Column("provider", _("Aanbieder")),
                Column("offers", _("Aanmeldingen"), True),
                Column("accepted", _("Geaccepteerd"), True),
                Column("declined", _("Afgewezen"), True),
                Column("expired", _("Verlopen"), True),
                Column("withdrawn", _("Ingetrokken"), True),
                Column("fallen_through", _("Afgevallen na acceptatie"), True),
                Column("open", _("Open"), True),
                Column("refusal_share", _("Weigeringen %"), True),
            ],
            by_provider,
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
        },
        *(
            {
                "code": f"fall_through_{code}",
                "label": _("%(party)s, na acceptatie") % {"party": label},
                "count": parties[code],
            }
            for code, label in FallThroughParty.choices
        ),
    ]
    who_total = {"code": "", "label": _("Totaal"), "count": sum(r["count"] for r in who_rows)}
    count_column(who_rows, "count", who_total, suppress=s)
    tables.append(
        Table(
            "by_who",
            _("Weigeringen naar wie weigerde"),
            [Column("label", _("Wie weigerde")), Column("count", _("Weigeringen"), True)],
            who_rows + [who_total],
        )
    )

    reason_rows = [
        {"code": c, "label": str(label), "count": sum(p[f"r_{c}"] for p in providers.values())}
        for c, label in DeclineReason.choices
    ]
    reason_total = {"code": "", "label": _("Totaal"), "count": total["declined"] + total["expired"]}
    count_column(reason_rows, "count", reason_total, suppress=s)
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
            [Column("provider", _("Aanbieder")), Column("refused", _("Weigeringen"), True)]
            + [Column(c, str(label), True) for c, label in DeclineReason.choices],
            by_provider_reason,
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
