"""The matching page's rows built in Python (issue 15, perf-tuning) read exactly as the
template loop they replace: the old loop is kept here as the oracle and both are rendered
for the same rows (fitting with and without an offer link, re-offer after a refusal,
stale figures, unknown / failed / soft criteria, unfit rows, texts needing escaping), in
Dutch and English."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test.utils import override_settings
from django.utils import translation

from placement.matching import Criterion, FacilityFacts, Group, Match
from placement.matching_html import matching_rows_html
from placement.selectors.matching import FacilityRow, Ref

# The template loop matching.html had before (the oracle), kept verbatim.
OLD_LOOP = Template((Path(__file__).parent / "matching_rows_oracle.html").read_text())


class _Request:
    pk = 4711


def _row(n, *, declined=False, stale=False, criteria=(), distance=12.5, name=None):
    facts = FacilityFacts(
        facility_id=n,
        care_type="behandelgroep",
        specialisations=frozenset(),
        age_min=12,
        age_max=18,
        genders=frozenset({"male"}),
        security="open",
        intensity="M",
        lat=52.0,
        lon=5.0,
        region_id=1,
        active_from=None,
        active_until=None,
        free_places=n % 3,
        is_stale=stale,
        declined_this_request=declined,
        declined_on=date(2026, 3, 9) if declined else None,
        declined_reason='Geen plek <"direct">' if declined else "",
    )
    facility = FacilityRow(
        id=n,
        name=name or f"Locatie {n} & Zn",
        provider_id=100 + n,
        provider=Ref(name=f"Aanbieder <{n}>"),
        municipality=Ref(name="'s-Hertogenbosch"),
        care_type=Ref(code="behandelgroep"),
        free=n % 3,
        is_stale=stale,
        last_confirmed_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
    )
    return {
        "match": Match(facility=facts, group="x", criteria=list(criteria), distance_km=distance),
        "facility": facility,
    }


CRITERIA = [
    Criterion("care_type", True, "Zorgtype past"),
    Criterion("age", False, "Leeftijd 19 valt buiten 12-18 <jaar>"),
    Criterion("group_age", True, "Geen groep bekend", hard=False, unknown=True),
    Criterion("intensity", False, 'Intensiteit "M" wijkt af', hard=False),
]
ROWS = [
    _row(1, criteria=CRITERIA),
    _row(2, declined=True, stale=True, criteria=CRITERIA[:2], distance=0.5),
    _row(3, stale=True, criteria=CRITERIA[2:], distance=149.49),
    _row(4, name="<script>x</script>", distance=2.5),
]


def _normalised(html) -> list[str]:
    return [line.strip() for line in str(html).splitlines() if line.strip()]


@override_settings(LANGUAGE_CODE="nl")
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    ("group", "can_offer"),
    [(Group.AVAILABLE, True), (Group.FULL, True), (Group.AVAILABLE, False), (Group.UNFIT, True), (Group.UNFIT, False)],
)
def test_the_rows_read_as_the_template_rendered_them(language, group, can_offer):
    with translation.override(language):
        old = OLD_LOOP.render(
            Context(
                {
                    "group": {"key": group, "rows": ROWS},
                    "can_offer": can_offer,
                    "placement_request": _Request(),
                }
            )
        )
        new = matching_rows_html(ROWS, group=group, request_pk=_Request.pk, can_offer=can_offer)
    assert _normalised(new) == _normalised(old)
    assert "<script>" not in str(new) and "&lt;script&gt;" in str(new)


def test_no_rows_no_html():
    assert str(matching_rows_html([], group=Group.AVAILABLE, request_pk=1, can_offer=True)) == ""
