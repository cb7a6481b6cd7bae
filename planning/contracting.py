"""What to contract (issue 16.3): per need profile (care type x security level x
specialisation, coarser where counts are small) the arrival rate, the mean length of stay
and the number of places an M/M/c queue (planning.queueing) needs to keep waiting under
the norm at a target occupancy; priced with the region's tariffs and compared with what
the region has contracted. Computed on demand from requests, placements and contracts;
nothing is stored.

Data, each rule taken from where it is written once:
- Arrivals: the region's requests referred in the period (a draft never arrives), by the
  profile they NEED (first care type, security level and first specialisation of the
  explanatory analysis), so requests still waiting, closed without a place, placed as a
  compromise or out of the region count where the need was (the evidence of unmet need:
  `placement.waiting.waiting_on_sql`, `reporting.reports.unmet_need.COMPROMISE_SQL`).
- Mean length of stay: placements of the region's requests over the 365 days up to the
  period's last day: the days in care in that window divided by the stays that ended in
  it (for exponential stays this is the maximum-likelihood mean, open stays included).
- Price: per day, the mean `contract_tariff` for the profile's band over the region's
  contracts of that care type running on the period's last day, else the region's band
  tariff (`capacity.contract_selectors`), as the contracts report prices unmet need.
- Contracted: places of the region's contracts running on the period's last day, per care
  type (the contract's, else its facility's).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from capacity.contract_selectors import contract_tariff_sql, region_band_tariff_sql
from intake.models import Security
from placement.waiting import waiting_on_sql
from planning.queueing import places_needed, wait_longer_than
from reporting.charts import spec
from reporting.reports.common import DEFAULT_THRESHOLD_DAYS, Scope, fetch, num
from reporting.reports.unmet_need import COMPROMISE_SQL
from reporting.suppression import is_small
from reporting.tables import COUNT, EXACT, MEASURE, Column, Table

DEFAULT_OCCUPANCY = 85  # % of places busy on average: room to take a child in without a wait
DEFAULT_SHARE = 10  # % of arrivals that may wait longer than the norm
DAYS_PER_YEAR = 365
STAY_WINDOW_DAYS = 365
ALL = ""  # a coarser row: every value of the dimension


@dataclass(frozen=True)
class Targets:
    norm_days: int = DEFAULT_THRESHOLD_DAYS  # the H10 norm (no region sets its own)
    share: int = DEFAULT_SHARE  # % of arrivals allowed to wait longer than the norm
    occupancy: int = DEFAULT_OCCUPANCY  # % target occupancy


_CONTRACTS_ON_DAY = """
    SELECT c.id, c.region_id, COALESCE(c.care_type_id, f.care_type_id) AS care_type_id, c.places_contracted
    FROM capacity_contract c LEFT JOIN capacity_facility f ON f.id = c.facility_id
    WHERE c.region_id = ANY(%(regions)s) AND c.start_date <= {day}
      AND (c.end_date IS NULL OR c.end_date >= {day})"""

PROFILE = """COALESCE(a.care_types[1], '') AS care_type, COALESCE(NULLIF(a.security, ''), '') AS security,
           COALESCE(a.specialisations[1], '') AS specialisation"""

ARRIVALS_SQL = f"""
    WITH r AS MATERIALIZED (
        SELECT r.id, r.region_id, {PROFILE}, COALESCE(a.intensity, '') AS band,
               {waiting_on_sql("r")} AS waiting_now,
               COALESCE(cp.outside_region OR cp.too_far OR cp.not_first_care_type, false) AS compromise
        FROM placement_placementrequest r
        LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
        LEFT JOIN ({COMPROMISE_SQL.replace("%(end)s", "%(day)s")}) cp ON cp.request_id = r.id
        WHERE r.region_id = ANY(%(regions)s) AND r.status <> 'draft'
          AND r.referral_date BETWEEN %(start)s AND %(day)s
    ),
    k AS MATERIALIZED ({_CONTRACTS_ON_DAY.format(day="%(day)s")}),
    bands AS (SELECT DISTINCT region_id, care_type, band FROM r),
    priced AS MATERIALIZED (  -- the tariff once per region, care type and band
        SELECT b.*, COALESCE(
            (SELECT avg({contract_tariff_sql("c", "b.band", "%(day)s")})
             FROM k JOIN capacity_contract c ON c.id = k.id JOIN capacity_caretype t ON t.id = k.care_type_id
             WHERE k.region_id = b.region_id AND t.code = b.care_type),
            {region_band_tariff_sql("b.region_id", "b.band", "%(day)s")}) AS tariff
        FROM bands b
    )
    SELECT GROUPING(r.security) AS g_security, GROUPING(r.specialisation) AS g_specialisation,
           r.care_type, r.security, r.specialisation, count(*) AS arrivals,
           count(*) FILTER (WHERE r.waiting_now) AS waiting, count(*) FILTER (WHERE r.compromise) AS compromises,
           avg(p.tariff) AS tariff, count(p.tariff) AS priced
    FROM r LEFT JOIN priced p ON p.region_id = r.region_id AND p.care_type = r.care_type AND p.band = r.band
    GROUP BY GROUPING SETS ((r.care_type, r.security, r.specialisation), (r.care_type, r.security), (r.care_type))
"""

STAYS_SQL = f"""
    SELECT GROUPING(security) AS g_security, GROUPING(specialisation) AS g_specialisation,
           care_type, security, specialisation,
           sum(least(COALESCE(end_date, %(los_end)s::date), %(los_end)s::date)
               - greatest(start_date, %(los_start)s::date)) AS days,
           count(*) FILTER (WHERE end_date IS NOT NULL AND end_date < %(los_end)s::date) AS ended,
           count(*) AS placements
    FROM (SELECT p.start_date, p.end_date, {PROFILE}
          FROM placement_placement p
          JOIN placement_placementrequest r ON r.id = p.request_id
          LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
          WHERE r.region_id = ANY(%(regions)s) AND p.start_date < %(los_end)s::date
            AND (p.end_date IS NULL OR p.end_date > %(los_start)s::date)) s
    GROUP BY GROUPING SETS ((care_type, security, specialisation), (care_type, security), (care_type))
"""

CONTRACTED_SQL = f"""
    SELECT t.code AS care_type, sum(k.places_contracted) AS places
    FROM ({_CONTRACTS_ON_DAY.format(day="%(on)s")}) k LEFT JOIN capacity_caretype t ON t.id = k.care_type_id
    GROUP BY t.code
"""

LABELS_SQL = "SELECT code, label FROM capacity_caretype UNION ALL SELECT code, label FROM capacity_specialisation"

# Backtest: of the requests referred in the period that had the norm's days to wait before
# its last day, those still waiting `norm` days after their referral.
OBSERVED_SQL = f"""
    SELECT COALESCE(a.care_types[1], '') AS care_type, count(*) AS requests,
           count(*) FILTER (WHERE {
    waiting_on_sql(
        "r", day="(r.referral_date + %(norm)s)", day_end="timezone(%(tz)s, (r.referral_date + %(norm)s + 1)::timestamp)"
    )
}) AS over
    FROM placement_placementrequest r
    LEFT JOIN analyses_explanatoryanalysis a ON a.id = r.analysis_id
    WHERE r.region_id = ANY(%(regions)s) AND r.status <> 'draft'
      AND r.referral_date BETWEEN %(start)s AND %(day)s::date - %(norm)s
    GROUP BY 1
"""


def _key(row: dict, level: int) -> tuple:
    """A row's profile at a level: 0 care type, 1 + security, 2 + specialisation."""
    return (row["care_type"], row["security"] if level >= 1 else None, row["specialisation"] if level >= 2 else None)


def _level(row: dict) -> int:
    return 0 if row["g_security"] else (1 if row["g_specialisation"] else 2)


def _by_level(rows: list[dict]) -> dict[tuple, dict]:
    return {_key(r, _level(r)): r for r in rows}


def profile_rows(arrivals: list[dict]) -> list[dict]:
    """The finest profiles whose counts allow it: a care type is split by security level
    only when every security group has at least 5 arrivals, and a security group by
    specialisation only when every specialisation group has; otherwise the coarser row."""
    levels = {0: [], 1: [], 2: []}
    for row in arrivals:
        levels[_level(row)].append(row)
    chosen = []
    for top in sorted(levels[0], key=lambda r: r["care_type"]):
        securities = [r for r in levels[1] if r["care_type"] == top["care_type"]]
        if not securities or any(is_small(r["arrivals"]) for r in securities):
            chosen.append(top)
            continue
        for sec in sorted(securities, key=lambda r: r["security"]):
            specs = [r for r in levels[2] if r["care_type"] == sec["care_type"] and r["security"] == sec["security"]]
            if len(specs) > 1 and not any(is_small(r["arrivals"]) for r in specs):
                chosen.extend(sorted(specs, key=lambda r: r["specialisation"]))
            else:
                chosen.append(sec)
    return chosen


def mean_stay(stays: dict[tuple, dict], row: dict) -> tuple[float | None, int]:
    """Mean length of stay for a profile row: its own placements when some ended, else
    its care type's. Returns (days, the placements it rests on)."""
    level = _level(row)
    for lvl in range(level, -1, -1):
        s = stays.get(_key(row, lvl))
        if s and s["ended"]:
            return float(s["days"]) / s["ended"], s["placements"]
    return None, 0


def _params(scope: Scope, **extra) -> dict:
    los_end = scope.day + dt.timedelta(days=1)
    return scope.sql(
        tz=settings.TIME_ZONE, los_start=los_end - dt.timedelta(days=STAY_WINDOW_DAYS), los_end=los_end, **extra
    )


def _money(value) -> float | None:
    return None if value is None else float(Decimal(str(value)).quantize(Decimal("0.01")))


def _label(labels: dict, code: str, empty: str) -> str:
    return labels.get(code, code) if code else empty


def compute(scope: Scope, targets: Targets) -> dict:
    """Exact figures: {"rows": [...], "care_types": [...], "total": {...}, "days": n}."""
    params = _params(scope, on=scope.day)
    days = (scope.day - scope.start).days + 1
    labels = dict((r["code"], r["label"]) for r in fetch(LABELS_SQL, {}))
    stays = _by_level(fetch(STAYS_SQL, params))
    contracted = {r["care_type"] or "": int(r["places"] or 0) for r in fetch(CONTRACTED_SQL, params)}
    rows, per_type, security = [], {}, dict(Security.choices)
    for r in profile_rows(fetch(ARRIVALS_SQL, params)):
        lam = r["arrivals"] / days if days > 0 else 0.0
        stay, stays_n = mean_stay(stays, r)
        need = (
            places_needed(
                lam=lam,
                stay=stay,
                norm_days=targets.norm_days,
                target_share=targets.share / 100,
                target_occupancy=targets.occupancy / 100,
            )
            if stay
            else None
        )
        tariff = float(r["tariff"]) if r["tariff"] is not None else None
        row = {
            "care_type_code": r["care_type"],
            "care_type": _label(labels, r["care_type"], _("Onbekend")),
            "security": (str(security.get(r["security"], r["security"])) or _("Onbekend"))
            if _level(r) >= 1
            else _("Alle"),
            "specialisation": _label(labels, r["specialisation"], _("Geen")) if _level(r) >= 2 else _("Alle"),
            "arrivals": r["arrivals"],
            "waiting": r["waiting"],
            "compromises": r["compromises"],
            "rate": lam,
            "stay": stay,
            "stays_n": stays_n,
            "need": need,
            "tariff": tariff,
        }
        rows.append(row)
        t = per_type.setdefault(
            r["care_type"], {"code": r["care_type"], "label": row["care_type"], "arrivals": 0, "needed": 0, "cost": 0.0}
        )
        t["arrivals"] += r["arrivals"]
        if need is None or t["needed"] is None:
            t["needed"] = None
        else:
            t["needed"] += need.places
        if need is not None and tariff is not None and t["cost"] is not None:
            t["cost"] += need.places * tariff * DAYS_PER_YEAR
        elif need is not None and need.places:
            t["cost"] = None
        t.setdefault("tariffs", []).append(tariff)
    for code in contracted:
        if code not in per_type:
            per_type[code] = {
                "code": code,
                "label": _label(labels, code, _("Zonder zorgvorm")),
                "arrivals": 0,
                "needed": 0,
                "cost": 0.0,
                "tariffs": [],
            }
    care_types = []
    for t in sorted(per_type.values(), key=lambda t: t["label"]):
        t["contracted"] = contracted.get(t["code"], 0)
        t["gap"] = None if t["needed"] is None else t["needed"] - t["contracted"]
        known = [x for x in t.pop("tariffs") if x is not None]
        t["tariff"] = sum(known) / len(known) if known else None
        t["gap_cost"] = None if t["gap"] is None or t["tariff"] is None else t["gap"] * t["tariff"] * DAYS_PER_YEAR
        care_types.append(t)
    return {"rows": rows, "care_types": care_types, "days": days}


def backtest(scope: Scope, targets: Targets) -> list[dict]:
    """Fit on the period of the same length before this one (arrivals, stays), take the
    places contracted on this period's first day, predict the share of this period's
    arrivals waiting longer than the norm, and set the observed share beside it."""
    length = (scope.day - scope.start).days + 1
    before = Scope(
        region_ids=scope.region_ids,
        start=scope.start - dt.timedelta(days=length),
        end=scope.start - dt.timedelta(days=1),
        suppress=scope.suppress,
        now=scope.now,
    )
    fit_params = _params(before)
    arrivals = {r["care_type"]: r for r in fetch(ARRIVALS_SQL, fit_params) if _level(r) == 0}
    stays = _by_level(fetch(STAYS_SQL, fit_params))
    places = {
        r["care_type"] or "": int(r["places"] or 0) for r in fetch(CONTRACTED_SQL, _params(scope, on=scope.start))
    }
    observed = {r["care_type"]: r for r in fetch(OBSERVED_SQL, _params(scope, norm=targets.norm_days))}
    labels = dict((r["code"], r["label"]) for r in fetch(LABELS_SQL, {}))
    out = []
    for code in sorted(set(arrivals) | set(observed)):
        fit = arrivals.get(code)
        lam = fit["arrivals"] / length if fit else 0.0
        stay, _n = mean_stay(stays, {"care_type": code, "g_security": 1, "g_specialisation": 1})
        c = places.get(code, 0)
        predicted = 100 * wait_longer_than(c, lam, stay, targets.norm_days) if stay else None
        seen = observed.get(code)
        share = 100 * seen["over"] / seen["requests"] if seen and seen["requests"] else None
        out.append(
            {
                "care_type": _label(labels, code, _("Onbekend")),
                "fit_arrivals": fit["arrivals"] if fit else 0,
                "stay": stay,
                "places": c,
                "predicted": predicted,
                "requests": seen["requests"] if seen else 0,
                "over": seen["over"] if seen else 0,
                "observed": share,
                "error": None if predicted is None or share is None else predicted - share,
            }
        )
    return out


def backtest_table(scope: Scope, targets: Targets) -> Table:
    length = (scope.day - scope.start).days + 1
    fit_start = scope.start - dt.timedelta(days=length)
    rows = []
    for r in backtest(scope, targets):
        rows.append(
            {
                "care_type": r["care_type"],
                "fit_arrivals": r["fit_arrivals"],
                "stay": num(r["stay"]) if r["stay"] is not None else None,
                "places": r["places"],
                "predicted": num(r["predicted"]) if r["predicted"] is not None else None,
                "requests": r["requests"],
                "observed": num(r["observed"]) if r["observed"] is not None else None,
                "error": num(r["error"]) if r["error"] is not None else None,
                "_n": {"stay": r["fit_arrivals"], "predicted": r["fit_arrivals"], "observed": r["requests"]}
                | {"error": min(r["fit_arrivals"], r["requests"])},
            }
        )
    measure = {"numeric": True, "kind": MEASURE}
    return Table(
        "backtest",
        _("Terugtoets: voorspeld en waargenomen deel dat langer dan de norm wachtte"),
        [
            Column("care_type", _("Zorgvorm")),
            Column("fit_arrivals", _("Verzoeken in de vorige periode"), True, COUNT),
            Column("stay", _("Gemiddelde verblijfsduur (dagen)"), **measure),
            Column("places", _("Gecontracteerde plaatsen"), True, EXACT),
            Column("predicted", _("Voorspeld % langer dan de norm"), **measure),
            Column("requests", _("Verzoeken in deze periode"), True, COUNT),
            Column("observed", _("Waargenomen % langer dan de norm"), **measure),
            Column("error", _("Fout (voorspeld - waargenomen, procentpunten)"), **measure),
        ],
        rows,
        description=_(
            "Gemeten op %(fit_from)s tot en met %(fit_to)s (aantal verzoeken en verblijfsduur), met de plaatsen die "
            "op %(from)s gecontracteerd waren; voorspeld met Erlang C voor %(from)s tot en met %(to)s. Waargenomen: "
            "van de verzoeken uit deze periode die %(norm)s dagen konden wachten, het deel dat na %(norm)s dagen nog "
            "wachtte."
        )
        % {
            **_period(scope),
            "fit_from": fit_start.strftime("%d-%m-%Y"),
            "fit_to": (scope.start - dt.timedelta(days=1)).strftime("%d-%m-%Y"),
            "norm": targets.norm_days,
        },
    )


def _period(scope: Scope) -> dict:
    return {"from": scope.start.strftime("%d-%m-%Y"), "to": scope.day.strftime("%d-%m-%Y")}


def assumptions(targets: Targets) -> list[str]:
    return [
        _("Verzoeken komen willekeurig binnen (Poisson) met het tempo van de gekozen periode."),
        _("De verblijfsduur is exponentieel verdeeld met de waargenomen gemiddelde duur."),
        _("Niemand wordt geweigerd of haakt af: wie geen plek vindt, wacht (M/M/c, Erlang C)."),
        _("Elke plek past bij elk verzoek van het profiel; plaatsingen buiten het profiel tellen bij de vraag."),
        _(
            "Norm: hoogstens %(share)s%% van de verzoeken wacht langer dan %(norm)s dagen, "
            "bij hoogstens %(occ)s%% bezetting."
        )
        % {"share": targets.share, "norm": targets.norm_days, "occ": targets.occupancy},
    ]


def tables(scope: Scope, targets: Targets) -> list[Table]:
    """The figures as report tables (exact; suppression is applied after, as for reports)."""
    data = compute(scope, targets)
    period = _period(scope)
    rows = []
    for r in data["rows"]:
        need = r["need"]
        rows.append(
            {
                "care_type": r["care_type"],
                "security": r["security"],
                "specialisation": r["specialisation"],
                "arrivals": r["arrivals"],
                "waiting": r["waiting"],
                "compromises": r["compromises"],
                "rate": num(r["rate"] * 30, 2),
                "stay": num(r["stay"]) if r["stay"] is not None else None,
                "load": num(need.load, 2) if need else None,
                "needed": need.places if need else None,
                "occupancy": num(100 * need.occupancy) if need else None,
                "wait_share": num(100 * need.wait_share) if need else None,
                "tariff": _money(r["tariff"]),
                "_n": {k: r["arrivals"] for k in ("rate", "load", "needed", "occupancy", "wait_share")}
                | {"stay": r["stays_n"]},
            }
        )
    measure = {"numeric": True, "kind": MEASURE}
    needed = Table(
        "needed",
        _("Benodigde plaatsen per behoefteprofiel"),
        [
            Column("care_type", _("Zorgvorm")),
            Column("security", _("Beveiliging")),
            Column("specialisation", _("Specialisatie")),
            Column("arrivals", _("Verzoeken in de periode"), True, COUNT),
            Column("waiting", _("Waarvan nog wachtend"), True, COUNT),
            Column("compromises", _("Waarvan compromis of buiten de regio"), True, COUNT),
            Column("rate", _("Verzoeken per 30 dagen"), **measure),
            Column("stay", _("Gemiddelde verblijfsduur (dagen)"), **measure),
            Column("load", _("Gemiddeld bezette plaatsen"), **measure),
            Column("needed", _("Benodigde plaatsen"), **measure),
            Column("occupancy", _("Bezetting bij die plaatsen %"), **measure),
            Column("wait_share", _("Deel langer dan de norm wachtend %"), **measure),
            Column("tariff", _("Tarief per dag (euro)"), True, EXACT),
        ],
        rows,
        description=_(
            "Verzoeken van de regio verwezen van %(from)s tot en met %(to)s, naar het profiel dat nodig was. "
            "Verblijfsduur: plaatsingen van de regio in de 365 dagen tot %(to)s. Benodigde plaatsen: het kleinste "
            "aantal waarbij hoogstens %(share)s%% langer dan %(norm)s dagen wacht en de bezetting hoogstens "
            "%(occ)s%% is (Erlang C)."
        )
        % {**period, "share": targets.share, "norm": targets.norm_days, "occ": targets.occupancy},
    )
    gap_rows = []
    total = {"needed": 0, "contracted": 0, "cost": 0.0, "gap_cost": 0.0}
    for t in data["care_types"]:
        gap_rows.append(
            {
                "care_type": t["label"],
                "arrivals": t["arrivals"],
                "needed": t["needed"],
                "contracted": t["contracted"],
                "gap": t["gap"],
                "tariff": _money(t["tariff"]),
                "cost": _money(t["cost"]),
                "gap_cost": _money(t["gap_cost"]),
                "_n": {k: t["arrivals"] for k in ("needed", "gap", "cost", "gap_cost")},
            }
        )
        for key in ("needed", "cost", "gap_cost"):
            total[key] = None if t[key] is None or total[key] is None else total[key] + t[key]
        total["contracted"] += t["contracted"]
    if gap_rows:
        arrivals = sum(t["arrivals"] for t in data["care_types"])
        gap_rows.append(
            {
                "_total": True,
                "care_type": _("Totaal"),
                "arrivals": arrivals,
                "needed": total["needed"],
                "contracted": total["contracted"],
                "gap": None if total["needed"] is None else total["needed"] - total["contracted"],
                "tariff": None,
                "cost": _money(total["cost"]),
                "gap_cost": _money(total["gap_cost"]),
                "_n": {k: arrivals for k in ("needed", "gap", "cost", "gap_cost")},
            }
        )
    gap = Table(
        "by_care_type_gap",
        _("Benodigd tegen gecontracteerd per zorgvorm"),
        [
            Column("care_type", _("Zorgvorm")),
            Column("arrivals", _("Verzoeken in de periode"), True, COUNT),
            Column("needed", _("Benodigde plaatsen"), **measure),
            Column("contracted", _("Gecontracteerde plaatsen"), True, EXACT),
            Column("gap", _("Verschil (benodigd - gecontracteerd)"), **measure),
            Column("tariff", _("Gemiddeld tarief per dag (euro)"), True, EXACT),
            Column("cost", _("Kosten benodigde plaatsen per jaar (euro)"), **measure),
            Column("gap_cost", _("Kosten van het verschil per jaar (euro)"), **measure),
        ],
        gap_rows,
        description=_(
            "Gecontracteerde plaatsen: contracten van de regio die op %(to)s liepen. Kosten per jaar: plaatsen x "
            "tarief per dag x 365; het tarief: het gemiddelde contracttarief voor de intensiteit, anders het "
            "regiotarief. Zonder tarief of verblijfsduur blijft een bedrag leeg."
        )
        % period,
    )
    assumption_table = Table(
        "assumptions",
        _("Aannames van het model"),
        [Column("assumption", _("Aanname"))],
        [{"assumption": text} for text in assumptions(targets)],
        description=_("Het antwoord geldt alleen voor zover deze aannames kloppen; zie de methodepagina."),
    )
    return [gap, needed, assumption_table]


def chart(tables_: list[Table]) -> list[dict]:
    """Needed against contracted places per care type (a bar chart spec, reporting.svg)."""
    gap = next((t for t in tables_ if t.key == "by_care_type_gap"), None)
    return [
        spec(
            "contracting",
            _("Benodigde en gecontracteerde plaatsen per zorgvorm"),
            gap,
            label_key="care_type",
            series=[("needed", _("Benodigd")), ("contracted", _("Gecontracteerd"))],
            unit=_("plaatsen"),
            no_data=_("Geen verzoeken of contracten in deze periode."),
        )
    ]


SECTION_CODE = "contracting"


def quarterly_tables(scope: Scope) -> list[Table]:
    """The quarterly section: the default targets (H10 norm, 10%, 85%) over the quarter."""
    return tables(scope, Targets(norm_days=scope.threshold_days))


def register_quarterly() -> None:
    from django.utils.translation import gettext_lazy

    from reporting.quarterly_sections import register_quarterly_section

    register_quarterly_section(
        SECTION_CODE, title=lambda: gettext_lazy("Wat te contracteren"), build=quarterly_tables, charts=chart
    )
