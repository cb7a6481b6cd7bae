"""The matching rules on hand-made facilities (no database)."""

from dataclasses import replace
from datetime import date

from core.code_lists import g7_bands
from placement.matching import CLOSED, OPEN, FacilityFacts, Group, Need, evaluate, rank

ENSCHEDE = (52.2215, 6.8937)
HENGELO = (52.2658, 6.7931)
ASSEN = (52.9929, 6.5642)
TWENTE, DRENTHE = 14, 4

NEED = Need(
    care_types=("behandelgroep", "kleinschalig_open"),
    specialisations=frozenset({"trauma", "lvb"}),
    intensity="P",
    security=OPEN,
    machtiging_valid=False,
    age_at_start=14,
    gender="female",
    home_lat=ENSCHEDE[0],
    home_lon=ENSCHEDE[1],
    home_region_id=TWENTE,
    start_date=date(2026, 12, 1),
    max_distance_km=50,
    band_order=tuple(band["code"] for band in g7_bands()),
)

BASE = FacilityFacts(
    facility_id=1,
    care_type="behandelgroep",
    specialisations=frozenset({"trauma", "lvb"}),
    age_min=12,
    age_max=18,
    genders=frozenset({"female", "male", "other"}),
    security=OPEN,
    intensity="P",
    lat=HENGELO[0],
    lon=HENGELO[1],
    region_id=TWENTE,
    active_from=None,
    active_until=None,
    free_places=2,
    is_stale=False,
)


def test_a_fitting_facility_with_a_fresh_free_place_is_available_and_explained():
    match = evaluate(NEED, BASE)
    assert match.group == Group.AVAILABLE and match.fits
    assert {c.code for c in match.criteria} >= {"care_type", "age", "gender", "security", "active", "distance"}
    assert 5 < match.distance_km < 12  # Enschede - Hengelo


def test_each_hard_criterion_makes_it_unfit_even_with_free_places():
    cases = {
        "care_type": replace(BASE, care_type="gezinshuis"),
        "age": replace(BASE, age_min=16),
        "gender": replace(BASE, genders=frozenset({"male"})),
        "security": replace(BASE, security=CLOSED),
        "active": replace(BASE, active_until=date(2026, 11, 30)),
    }
    for code, facility in cases.items():
        match = evaluate(NEED, facility)
        assert match.group == Group.UNFIT, code
        assert [c.code for c in match.failed] == [code]


def test_gender_other_is_a_gender_and_unknown_fits_only_where_every_gender_is_accepted():
    def fits(gender, accepted):
        return evaluate(replace(NEED, gender=gender), replace(BASE, genders=frozenset(accepted))).fits

    assert fits("other", {"other"}) and not fits("other", {"female", "male"})
    assert fits("unknown", {"female", "male", "other"})
    for accepted in ({"female", "male"}, {"other"}, {"female", "other"}, {"male"}):
        assert not fits("unknown", accepted), accepted
    unfit = evaluate(replace(NEED, gender="unknown"), replace(BASE, genders=frozenset({"female"})))
    assert [c.code for c in unfit.failed] == ["gender"]


def test_closed_care_needs_a_closed_need_and_a_valid_machtiging():
    closed_facility = replace(BASE, security=CLOSED)
    closed_need = replace(NEED, security=CLOSED, machtiging_valid=True)
    assert evaluate(closed_need, closed_facility).fits
    assert not evaluate(replace(closed_need, machtiging_valid=False), closed_facility).fits
    assert not evaluate(closed_need, BASE).fits  # a closed need is not met by an open place


def test_no_free_place_or_stale_availability_is_full_not_available():
    assert evaluate(NEED, replace(BASE, free_places=0)).group == Group.FULL
    assert evaluate(NEED, replace(BASE, is_stale=True)).group == Group.FULL


def test_ranking_own_region_then_coverage_then_intensity_then_distance():
    far_own_region = replace(BASE, facility_id=2, lat=52.30, lon=6.40)
    other_region = replace(BASE, facility_id=3, region_id=DRENTHE, lat=ASSEN[0], lon=ASSEN[1])
    partial = replace(BASE, facility_id=4, specialisations=frozenset({"trauma"}))
    other_intensity = replace(BASE, facility_id=5, intensity="Z")
    groups = rank(NEED, [other_region, partial, far_own_region, BASE, other_intensity])
    assert [m.facility.facility_id for m in groups[Group.AVAILABLE]] == [1, 2, 5, 4, 3]


def test_a_provider_that_declined_is_shown_as_such():
    match = evaluate(NEED, replace(BASE, declined_this_request=True))
    assert any(c.code == "declined" and not c.ok for c in match.criteria)
