"""Issue 15 (perf-pages): the board and the inbox against a FAIR floor.

The floor of a page is what the page cannot do without: a trivial authenticated request
on the same server (GET /api/v1/me with the same session: middleware, session, second
factor, access log) plus the hand-written SQL that returns the same rows with the same
content the page shows. `same_rows` parses the page's HTML (outside the timing) and
compares every shown value of every row, and the totals, with the floor's rows;
tests/bench/test_page_floors.py checks that it does (and that a wrong floor is caught).

    pages.board  GET /coordinator/capacity/ (first 250 of 125 * scale facilities, national)
    pages.inbox  GET /provider/offers/      (25 * scale open offers of one provider)
"""

from __future__ import annotations

import html as htmllib
import re

from django.db import connection
from django.utils import dateformat, timezone

from bench.benchmarks import capacity as capacity_bench
from bench.benchmarks import offers as offers_bench
from bench.harness import Benchmark, register

PAGE = capacity_bench.PAGE


def _trivial(client) -> None:
    response = client.get("/api/v1/me", HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.status_code


# --- the board ---------------------------------------------------------------------------

_BOARD_SQL = f"""
    SELECT f.id, f.name, p.name, m.name, r.name, c.label, f.security_level,
           ARRAY(SELECT sp.label FROM capacity_facility_specialisations fs
                 JOIN capacity_specialisation sp ON sp.id = fs.specialisation_id
                 WHERE fs.facility_id = f.id ORDER BY sp.sort_order, sp.label),
           f.age_min, f.age_max, f.genders, {capacity_bench._FREE}, {capacity_bench._STALE},
           f.held, f.occupied_internal + f.occupied_external, f.places_staffed, f.places_contracted,
           f.last_confirmed_at
    {capacity_bench._FROM}
    JOIN accounts_organisation p ON p.id = f.provider_id
    JOIN capacity_caretype c ON c.id = f.care_type_id
    {capacity_bench._WHERE}
    ORDER BY f.name, f.id LIMIT {PAGE}
"""


def _board_floor(context):
    _trivial(context["client"])
    with connection.cursor() as cursor:
        cursor.execute(_BOARD_SQL, {"regions": context["region_ids"]})
        rows = cursor.fetchall()
        cursor.execute(
            f"""SELECT count(*), sum({capacity_bench._FREE}) FILTER (WHERE NOT {capacity_bench._STALE}),
                       sum({capacity_bench._FREE}) FILTER (WHERE {capacity_bench._STALE}),
                       count(*) FILTER (WHERE {capacity_bench._STALE}), sum(f.held),
                       sum(f.occupied_internal + f.occupied_external), sum(f.places_staffed),
                       sum(f.places_contracted)
                {capacity_bench._VISIBLE}""",
            {"regions": context["region_ids"]},
        )
        totals = cursor.fetchone()
    return rows, totals


def _board_path(context):
    response = context["client"].get("/coordinator/capacity/")
    assert response.status_code == 200
    return response.content.decode()


def _texts(cell: str) -> list[str]:
    """The visible texts of a cell, split where the markup breaks them."""
    parts = re.split(r"<br>|<small>|</small>|<span[^>]*>|</span>", cell)
    return [
        htmllib.unescape(re.sub(r"<[^>]+>", "", part)).strip() for part in parts if re.sub(r"<[^>]+>", "", part).strip()
    ]


def board_page_rows(html: str) -> list[tuple]:
    """Every row of the board's table as the values it shows (id, stale mark, cell texts)."""
    rows = []
    for match in re.finditer(r'<tr class="([^"]*)" data-facility-id="(\d+)">(.*?)</tr>', html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(3), re.S)
        rows.append((int(match.group(2)), "row--stale" in match.group(1), tuple(tuple(_texts(c)) for c in cells)))
    return rows


def board_floor_rows(rows) -> list[tuple]:
    """The floor's rows as the board shows them (Dutch, the current time zone)."""
    from capacity.models import Gender

    labels = dict(Gender.choices)
    shown = []
    for (
        pk,
        name,
        provider,
        municipality,
        region,
        care_type,
        security,
        specialisations,
        age_min,
        age_max,
        genders,
        free,
        stale,
        held,
        occupied,
        staffed,
        contracted,
        confirmed,
    ) in rows:
        care = (care_type, "gesloten") if security == "closed" else (care_type,)
        free_cell = (str(free), "*", "(verouderde opgave)") if stale else (str(free),)
        when = (
            "bevestigd " + dateformat.format(timezone.localtime(confirmed), "j M Y H:i")
            if confirmed
            else "nooit bevestigd"
        )
        cells = (
            (name, provider),
            (municipality, region),
            (*care, ", ".join(specialisations)) if specialisations else care,
            (f"{age_min}-{age_max} jaar", ", ".join(str(labels[g]) for g in genders)),
            free_cell,
            (str(held),),
            (str(occupied),),
            (str(staffed),),
            (str(contracted),),
            ("Verouderd" if stale else "Actueel", when),
        )
        shown.append((pk, bool(stale), cells))
    return shown


def board_page_totals(html: str) -> tuple:
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", html))
    count = int(re.search(r"(\d+) locaties? ·", text).group(1))
    free = int(re.search(r"(\d+) vrij volgens actuele opgave", text).group(1))
    stale = re.search(r"(\d+) vrij volgens verouderde opgave \((\d+) locatie", text)
    rest = re.search(r"(\d+) vastgehouden, (\d+) bezet, (\d+) inzetbaar van (\d+) gecontracteerd", text)
    return (
        count,
        free,
        int(stale.group(1)) if stale else 0,
        int(stale.group(2)) if stale else 0,
        *map(int, rest.groups()),
    )


def board_same(page_html: str, floor) -> bool:
    rows, totals = floor
    return board_page_rows(page_html) == board_floor_rows(rows) and board_page_totals(page_html) == tuple(
        value or 0 for value in totals
    )


register(
    Benchmark(
        name="pages.board",
        description="GET /coordinator/capacity/ vs a fair floor: GET /api/v1/me + the SQL of the same rows and totals",
        setup=capacity_bench._setup,
        path=_board_path,
        floor=_board_floor,
        same_rows=board_same,
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)


# --- the inbox ---------------------------------------------------------------------------


def _inbox_floor(context):
    _trivial(context["client"])
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT o.id, o.pseudonym, f.name, o.referral->>'age', o.deadline, o.reconfirm_availability
               FROM placement_offer o JOIN capacity_facility f ON f.id = o.facility_id
               WHERE o.provider_id = %s AND o.status = 'open' ORDER BY o.deadline, o.id""",
            [context["provider"]],
        )
        return cursor.fetchall()


def _inbox_path(context):
    response = context["client"].get("/provider/offers/")
    assert response.status_code == 200
    return response.content.decode()


def inbox_page_rows(html: str) -> list[tuple]:
    rows = []
    for match in re.finditer(r'<tr class="[^"]*" data-offer-id="(\d+)">(.*?)</tr>', html, re.S):
        cells = [
            htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(2), re.S)
        ]
        rows.append((int(match.group(1)), *cells[:3], cells[3].split(" · ")[0]))
    return rows


def inbox_same(page_html: str, floor) -> bool:
    expected = [
        (pk, pseudonym, facility, age or "", dateformat.format(timezone.localtime(deadline), "j F Y H:i"))
        for pk, pseudonym, facility, age, deadline, _reconfirm in floor
    ]
    return inbox_page_rows(page_html) == expected


register(
    Benchmark(
        name="pages.inbox",
        description="GET /provider/offers/ vs a fair floor: GET /api/v1/me + the SQL of the same open offers",
        setup=offers_bench._setup_inbox,
        path=_inbox_path,
        floor=_inbox_floor,
        same_rows=inbox_same,
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)
