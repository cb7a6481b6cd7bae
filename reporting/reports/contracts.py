"""Contracts and money (issue 12 point 2): per contract of the region, contracted and
occupied place-days against the 90% line, the cost of placements, the cost of empty
contracted places, and unmet need priced at the tariff of the care that was missing.

Everything is set-based SQL, a constant number of queries whatever the number of
contracts (bench/benchmarks/contracts.py). The builder returns EXACT values; columns say
what each cell is (reporting.tables), suppression is applied after the builder.

Rules (also shown on the page, table "rules"):
- Contract days: the days of the period on which the contract runs, up to the period's
  last day and at most today.
- Contracted place-days: contracted places x contract days (elapsed time, like the
  occupancy report: a day with the clock change is 23 or 25 hours).
- Occupied place-days: from the availability history of the facilities the contract
  covers (`capacity.rules.occupancy_intervals_sql`, as the occupancy report), within the
  contract days. The facilities a contract covers: its facility, else the provider's
  facilities located in the contract's region (of its care type, when it names one).
- Placement days: days of the region's placements at those facilities within the
  contract days; the end date itself is not a day of care (the place is free from it).
- Cost of placements: placement days x the contract's tariff for the placement's band
  (`capacity.contract_selectors.contract_tariff_sql`; the band is the placement's
  current intensity, else the facility's band).
- Cost of empty contracted places, per funding form:
  inspanningsgericht with a volume guarantee: (guaranteed places x contract days -
  placement days, at least 0) x the day tariff; without a guarantee 0;
  taakgericht: the budget for the contract days (yearly budget x contract days / 365)
  x the share of contracted place-days without a placement of the region;
  outputgericht: 0 (paid per result only).
- Unmet need in euros: per need profile (first care type and intensity of the
  explanatory analysis), the days of the period the region's requests were waiting
  (`placement.waiting.waiting_days_in_sql`) x the tariff that would apply: the mean of
  `contract_tariff` for that band over the region's contracts of that care type running
  in the period, else the region's band tariff.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacity.contract_selectors import contract_tariff_sql, region_band_tariff_sql
from capacity.models import FundingForm
from capacity.rules import OCCUPANCY_NORM, below_norm, occupancy_intervals_sql, place_days_sql
from placement.waiting import FIRST_STARTS_SQL, waiting_days_in_sql
from reporting.registry import report
from reporting.reports.common import Scope, fetch, num, pct, scope_from_params
from reporting.tables import COUNT, EXACT, MEASURE, Column, Table

TITLE = gettext_lazy("Contracten en kosten")
DAYS_PER_YEAR = 365

# The region's contracts running in the period, with their contract days [d0, d1].
CONTRACTS = """
    k AS (
        SELECT c.id, c.provider_id, c.region_id, c.facility_id, c.care_type_id, c.funding_form,
               c.places_contracted, c.day_tariff, c.guaranteed_places, c.budget, c.reference,
               c.start_date, c.end_date, org.name AS provider, fac.name AS facility_name,
               COALESCE(ct.label, fct.label) AS care_label,
               COALESCE(c.care_type_id, fac.care_type_id) AS scope_care_type,
               greatest(c.start_date, %(start)s::date) AS d0,
               least(COALESCE(c.end_date, %(day)s::date), %(day)s::date) AS d1
        FROM capacity_contract c
        JOIN accounts_organisation org ON org.id = c.provider_id
        LEFT JOIN capacity_facility fac ON fac.id = c.facility_id
        LEFT JOIN capacity_caretype ct ON ct.id = c.care_type_id
        LEFT JOIN capacity_caretype fct ON fct.id = fac.care_type_id
        WHERE c.region_id = ANY(%(regions)s) AND c.start_date <= %(end)s
          AND (c.end_date IS NULL OR c.end_date >= %(start)s)
    ),
    cf AS (
        SELECT k.id AS contract_id, f.id AS facility_id
        FROM k JOIN capacity_facility f ON f.id = k.facility_id
        UNION ALL
        SELECT k.id, f.id
        FROM k JOIN capacity_facility f ON f.provider_id = k.provider_id
        JOIN accounts_municipality m ON m.id = f.municipality_id AND m.region_id = k.region_id
        WHERE k.facility_id IS NULL AND (k.care_type_id IS NULL OR f.care_type_id = k.care_type_id)
    ),
    fs AS (SELECT DISTINCT facility_id AS id FROM cf)"""

_T0 = "greatest(i.t0, timezone(%(tz)s, k.d0::timestamp))"
_T1 = "least(i.t1, timezone(%(tz)s, (k.d1 + 1)::timestamp))"

OCCUPIED = f"""
    occ AS (
        SELECT k.id AS contract_id, {place_days_sql("i.occupied", t0=_T0, t1=_T1)} AS occupied_days
        FROM k JOIN cf ON cf.contract_id = k.id
        JOIN intervals i ON i.facility_id = cf.facility_id AND {_T1} > {_T0}
        GROUP BY k.id
    )"""

# Each placement's band once; the tariff rule (contract_tariff_sql) once per contract and
# band that occurs, not once per placement (issue 13, fix12: bench/benchmarks/contracts.py).
PLACEMENTS = f"""
    pl AS (
        SELECT k.id AS contract_id, k.d0, p.id AS placement_id,
               least(COALESCE(p.end_date - 1, k.d1), k.d1) - greatest(p.start_date, k.d0) + 1 AS days,
               COALESCE(NULLIF(p.intensity, ''), f.intensity_band, '') AS band
        FROM k JOIN cf ON cf.contract_id = k.id
        JOIN placement_placement p ON p.facility_id = cf.facility_id
        JOIN placement_placementrequest r ON r.id = p.request_id AND r.region_id = k.region_id
        JOIN capacity_facility f ON f.id = p.facility_id
        WHERE k.d1 >= k.d0 AND p.start_date <= k.d1 AND (p.end_date IS NULL OR p.end_date > k.d0)
    ),
    tariffs AS MATERIALIZED (
        SELECT b.contract_id, b.band, {contract_tariff_sql("c", "b.band", "b.d0")} AS tariff
        FROM (SELECT DISTINCT contract_id, band, d0 FROM pl) b JOIN capacity_contract c ON c.id = b.contract_id
    ),
    plc AS (
        SELECT pl.contract_id, count(*) AS placements, sum(pl.days) AS placement_days,
               sum(pl.days * t.tariff) AS cost, count(*) FILTER (WHERE t.tariff IS NULL) AS untariffed
        FROM pl JOIN tariffs t ON t.contract_id = pl.contract_id AND t.band = pl.band
        GROUP BY pl.contract_id
    )"""

BY_CONTRACT_SQL = f"""
    WITH {CONTRACTS},
    {occupancy_intervals_sql(facilities="fs", start="%(start_at)s", stop="%(stop_at)s")},
    {OCCUPIED},
    {PLACEMENTS}
    SELECT k.id, k.provider, k.facility_name, k.care_label, k.reference, k.funding_form, k.places_contracted,
           k.day_tariff, k.guaranteed_places, k.budget, k.start_date, k.end_date,
           greatest(k.d1 - k.d0 + 1, 0) AS contract_days,
           CASE WHEN k.d1 >= k.d0 THEN k.places_contracted
                * extract(epoch FROM timezone(%(tz)s, (k.d1 + 1)::timestamp) - timezone(%(tz)s, k.d0::timestamp))
                / 86400 ELSE 0 END AS contracted_days,
           COALESCE(occ.occupied_days, 0) AS occupied_days,
           COALESCE(plc.placements, 0) AS placements, COALESCE(plc.placement_days, 0) AS placement_days,
           CASE WHEN plc.contract_id IS NULL THEN 0 ELSE plc.cost END AS cost,
           COALESCE(plc.untariffed, 0) AS untariffed
    FROM k LEFT JOIN occ ON occ.contract_id = k.id LEFT JOIN plc ON plc.contract_id = k.id
    ORDER BY k.provider, k.facility_name NULLS FIRST, k.start_date, k.id
"""

# Requests of the region waiting on some day of the period, by need profile, priced.
_WAIT_DAYS = waiting_days_in_sql("r", start="%(start)s", end="%(day)s", tz="%(tz)s", first_start="fp.first_start")
UNMET_SQL = f"""
    WITH {CONTRACTS},
    w AS MATERIALIZED (  -- the waiting days once per request
        SELECT r.region_id, COALESCE(a.care_types[1], '') AS care_type, COALESCE(a.intensity, '') AS band,
               {_WAIT_DAYS} AS days
        FROM placement_placementrequest r
        LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
        LEFT JOIN ({FIRST_STARTS_SQL}) fp ON fp.request_id = r.id
        WHERE r.region_id = ANY(%(regions)s) AND r.referral_date <= %(day)s
    ),
    profiles AS (
        SELECT w.region_id, w.care_type, w.band, count(*) AS requests, sum(w.days) AS days
        FROM w WHERE w.days > 0 GROUP BY w.region_id, w.care_type, w.band
    ),
    priced AS MATERIALIZED (  -- the tariff once per profile
        SELECT pr.*, ct.label AS care_label,
               COALESCE((SELECT avg({contract_tariff_sql("c", "pr.band", "%(day)s")})
                         FROM k JOIN capacity_contract c ON c.id = k.id
                         WHERE k.region_id = pr.region_id AND k.scope_care_type = ct.id),
                        {region_band_tariff_sql("pr.region_id", "pr.band", "%(day)s")}) AS tariff
        FROM profiles pr LEFT JOIN capacity_caretype ct ON ct.code = pr.care_type
    )
    SELECT care_type, care_label, band, sum(requests) AS requests, sum(days) AS days,
           avg(tariff) AS tariff, sum(days * tariff) AS amount
    FROM priced GROUP BY care_type, care_label, band ORDER BY care_label NULLS LAST, care_type, band
"""


def _money(value) -> float | None:
    return None if value is None else float(Decimal(value).quantize(Decimal("0.01")))


def empty_cost(row: dict) -> Decimal | None:
    """The cost of empty contracted places of one contract row (see the module rules)."""
    form = row["funding_form"]
    if form == FundingForm.EFFORT:
        if not row["guaranteed_places"]:
            return Decimal(0)
        unused = max(row["guaranteed_places"] * row["contract_days"] - row["placement_days"], 0)
        return unused * row["day_tariff"]
    if form == FundingForm.TASK:
        place_days = row["places_contracted"] * row["contract_days"]
        if not place_days:
            return Decimal(0)
        in_period = row["budget"] * row["contract_days"] / DAYS_PER_YEAR
        return in_period * max(place_days - row["placement_days"], 0) / place_days
    return Decimal(0)


def _rules_table() -> Table:
    rows = [
        {
            "form": str(FundingForm.EFFORT.label),
            "rule": _(
                "Per dag zorg betaald tegen het dagtarief. Met een volumegarantie: (gegarandeerde plaatsen x "
                "contractdagen - plaatsingsdagen, minstens 0) x dagtarief. Zonder garantie: 0."
            ),
        },
        {
            "form": str(FundingForm.TASK.label),
            "rule": _(
                "Het budget wordt hoe dan ook betaald: jaarbudget x contractdagen / 365 x het deel van de "
                "gecontracteerde plaatsdagen zonder plaatsing van de regio."
            ),
        },
        {"form": str(FundingForm.OUTPUT.label), "rule": _("Betaald per resultaat: lege plaatsen kosten niets (0).")},
    ]
    return Table(
        "rules",
        _("Kosten van lege gecontracteerde plaatsen: de regel per financieringsvorm"),
        [Column("form", _("Financieringsvorm")), Column("rule", _("Regel"))],
        rows,
        description=_("Hoe de kosten van lege plaatsen in de tabel per contract zijn berekend."),
    )


def build(scope: Scope) -> list[Table]:
    params = scope.sql(tz=settings.TIME_ZONE)
    period = {"from": scope.start.strftime("%d-%m-%Y"), "to": scope.day.strftime("%d-%m-%Y")}
    forms = dict(FundingForm.choices)
    rows, totals = [], {"contracted": 0.0, "occupied": 0.0, "placements": 0, "days": 0, "cost": 0, "empty": 0}
    for r in fetch(BY_CONTRACT_SQL, params):
        contracted, occupied = float(r["contracted_days"]), float(r["occupied_days"])
        rate = pct(occupied, contracted) if contracted else None
        cost = r["cost"] if not r["untariffed"] else None
        empty = empty_cost(r)
        rows.append(
            {
                "contract_id": r["id"],
                "provider": r["provider"],
                "scope": " / ".join(x for x in (r["facility_name"], r["care_label"]) if x) or _("Alle locaties"),
                "reference": r["reference"],
                "funding_form": str(forms.get(r["funding_form"], r["funding_form"])),
                "places": r["places_contracted"],
                "contracted_days": num(contracted),
                "occupied_days": num(occupied),
                "rate": rate,
                "below_norm": None if rate is None else (_("ja") if below_norm(rate) else _("nee")),
                "placements": r["placements"],
                "placement_days": r["placement_days"],
                "cost": _money(cost),
                "empty_cost": _money(empty),
                "_n": {"placement_days": r["placements"], "cost": r["placements"], "empty_cost": r["placements"]},
            }
        )
        totals["contracted"] += contracted
        totals["occupied"] += occupied
        totals["placements"] += r["placements"]
        totals["days"] += r["placement_days"]
        totals["cost"] = None if cost is None or totals["cost"] is None else totals["cost"] + cost
        totals["empty"] += empty
    if rows:
        rate = pct(totals["occupied"], totals["contracted"]) if totals["contracted"] else None
        rows.append(
            {
                "_total": True,
                "provider": _("Totaal"),
                "scope": "",
                "reference": "",
                "funding_form": "",
                "places": sum(r["places"] for r in rows),
                "contracted_days": num(totals["contracted"]),
                "occupied_days": num(totals["occupied"]),
                "rate": rate,
                "below_norm": None if rate is None else (_("ja") if below_norm(rate) else _("nee")),
                "placements": totals["placements"],
                "placement_days": totals["days"],
                "cost": _money(totals["cost"]),
                "empty_cost": _money(totals["empty"]),
                "_n": {k: totals["placements"] for k in ("placement_days", "cost", "empty_cost")},
            }
        )
    place_figure = {"numeric": True, "kind": EXACT}  # figures about places, not children (as the occupancy report)
    tables = [
        Table(
            "by_contract",
            _("Bezetting en kosten per contract"),
            [
                Column("provider", _("Aanbieder")),
                Column("scope", _("Locatie / zorgvorm")),
                Column("reference", _("Kenmerk")),
                Column("funding_form", _("Financieringsvorm")),
                Column("places", _("Gecontracteerde plaatsen"), **place_figure),
                Column("contracted_days", _("Gecontracteerde plaatsdagen"), **place_figure),
                Column("occupied_days", _("Bezette plaatsdagen"), **place_figure),
                Column("rate", _("Bezettingsgraad %"), **place_figure),
                Column("below_norm", _("Onder %(norm)s%%") % {"norm": OCCUPANCY_NORM}),
                Column("placements", _("Plaatsingen van de regio"), True, COUNT),
                Column("placement_days", _("Plaatsingsdagen"), True, MEASURE),
                Column("cost", _("Kosten plaatsingen (euro)"), True, MEASURE, n_key="placements"),
                Column("empty_cost", _("Kosten lege plaatsen (euro)"), True, MEASURE, n_key="placements"),
            ],
            rows,
            description=_(
                "Contracten van de regio die van %(from)s tot en met %(to)s liepen. Gecontracteerde plaatsdagen: "
                "plaatsen x contractdagen in de periode. Bezette plaatsdagen: uit de beschikbaarheidshistorie van de "
                "locaties van het contract. Bezettingsgraad tegen de norm van %(norm)s%%. Plaatsingsdagen: dagen van "
                "plaatsingen van de regio bij die locaties (de einddatum telt niet mee), maal het tarief van het "
                "contract voor de intensiteit van de plaatsing: de kosten van plaatsingen. Zonder tarief blijven de "
                "kosten leeg."
            )
            % {**period, "norm": OCCUPANCY_NORM},
        ),
        _rules_table(),
    ]

    unmet = []
    total = {"requests": 0, "days": 0, "amount": Decimal(0)}
    for r in fetch(UNMET_SQL, params):
        amount = r["amount"]
        unmet.append(
            {
                "care_type": r["care_label"] or r["care_type"] or _("Onbekend"),
                "band": r["band"] or _("Onbekend"),
                "requests": r["requests"],
                "days": r["days"],
                "tariff": _money(r["tariff"]),
                "amount": _money(amount),
                "_n": {"days": r["requests"]},
            }
        )
        total["requests"] += r["requests"]
        total["days"] += r["days"]
        if amount is not None:
            total["amount"] += amount
    if unmet:
        unmet.append(
            {
                "_total": True,
                "care_type": _("Totaal"),
                "band": "",
                "requests": total["requests"],
                "days": total["days"],
                "tariff": None,
                "amount": _money(total["amount"]),
                "_n": {"days": total["requests"]},
            }
        )
    tables.append(
        Table(
            "unmet_need_euro",
            _("Onvervulde vraag in euro's"),
            [
                Column("care_type", _("Zorgvorm (eerste keus)")),
                Column("band", _("Intensiteit")),
                Column("requests", _("Wachtende verzoeken"), True, COUNT),
                Column("days", _("Wachtdagen in de periode"), True, MEASURE),
                Column("tariff", _("Tarief per dag (euro)"), True, EXACT),  # a price, not about children
                Column("amount", _("Bedrag (euro)"), True, MEASURE, n_key="requests"),
            ],
            unmet,
            description=_(
                "Verzoeken van de regio die van %(from)s tot en met %(to)s op een of meer dagen wachtten (verwezen, "
                "nog niet geplaatst, niet afgesloten), per behoefteprofiel: eerste zorgvorm en intensiteit uit de "
                "verklarende analyse. Wachtdagen in de periode x het tarief van de zorg die ontbrak: het gemiddelde "
                "tarief voor die intensiteit van de contracten van de regio voor die zorgvorm, anders het "
                "regiotarief van de intensiteit. Zonder tarief blijft het bedrag leeg en telt het niet mee in het "
                "totaal."
            )
            % period,
        )
    )
    return tables


@report("contracts")
def contracts(*, membership, params):
    return build(scope_from_params(membership, params))
