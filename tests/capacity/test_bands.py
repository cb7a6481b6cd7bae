"""Issue 12 point 1: the sixteen G7 intensity bands are a table loaded from
data/g7_intensiteiten.csv, each region has its own day tariffs with history, and every
place that validated against the old five bands now accepts exactly the active bands."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Region, Role
from capacity.models import IntensityBand, RegionBandTariff
from capacity.selectors import active_band_codes, band_choices, band_tariff, band_tariffs
from capacity.services import band_tariffs_change, facility_check
from capacity.taxonomy import DEFAULT_VALID_FROM, bands_load
from core.code_lists import g7_bands
from core.errors import Forbidden, Invalid, NotFound
from core.events import events_for
from intake.forms import NeedProfileForm
from intake.services.analyses import analysis_validate
from placement.matching import _intensity_score
from tests.accounts.factories import reference_data_ensure

TODAY = timezone.localdate


def _membership(user):
    return Membership.objects.get(user=user)


@pytest.fixture
def bands(db):
    reference_data_ensure()
    return list(IntensityBand.objects.order_by("sort_order"))


def test_the_table_has_the_sixteen_bands_of_the_file_with_their_hours(bands):
    rows = g7_bands()
    assert len(rows) == 16 and [b.code for b in bands] == list("KLMNOPQRSTUVWXYZ")
    assert [(b.code, b.hours_from, b.hours_to) for b in bands] == [
        (r["code"], r["hours_from"], r["hours_to"]) for r in rows
    ]
    assert bands[0].label == "K (4,5-5 uur per etmaal)" and bands[-1].label == "Z (12-12,5 uur per etmaal)"


def test_every_region_is_seeded_with_the_csv_tariffs(bands, twente):
    csv_tariffs = {r["code"]: r["tariff"] for r in g7_bands()}
    assert csv_tariffs["K"] == Decimal("582.27") and csv_tariffs["Z"] == Decimal("1203.95")
    for region in Region.objects.all():
        assert band_tariffs(region_id=region.pk, day=TODAY()) == csv_tariffs
    assert RegionBandTariff.objects.count() == 16 * Region.objects.count() == 16 * 42
    assert set(RegionBandTariff.objects.values_list("valid_from", flat=True)) == {DEFAULT_VALID_FROM}
    assert bands_load() == (16, 0)  # idempotent


def test_the_tariff_on_a_day_is_the_latest_valid_from_on_or_before_it(bands, twente, drenthe, coordinator):
    start = TODAY() + dt.timedelta(days=10)
    band_tariffs_change(
        region=twente, valid_from=start, tariffs={"R": "900,00"}, by=coordinator, membership=_membership(coordinator)
    )
    assert band_tariff(region_id=twente.pk, code="R", day=start - dt.timedelta(days=1)) == Decimal("872.39")
    assert band_tariff(region_id=twente.pk, code="R", day=start) == Decimal("900.00")
    assert band_tariffs(region_id=twente.pk, day=start)["R"] == Decimal("900.00")
    assert band_tariff(region_id=drenthe.pk, code="R", day=start) == Decimal("872.39")  # the other region
    assert band_tariff(region_id=twente.pk, code="R", day=dt.date(1999, 12, 31)) is None
    assert band_tariff(region_id=twente.pk, code="A", day=start) is None


def test_band_tariffs_is_one_query(bands, twente, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(band_tariffs(region_id=twente.pk, day=TODAY())) == 16


def test_a_change_adds_rows_keeps_history_and_is_an_event(bands, twente, contract_manager):
    membership = _membership(contract_manager)
    rows = band_tariffs_change(
        region=twente,
        valid_from=TODAY(),
        tariffs={"K": "600", "L": "623.72", "M": Decimal("700.50")},  # L unchanged
        by=contract_manager,
        membership=membership,
    )
    assert [(r.band.code, r.tariff_eur_per_day) for r in rows] == [("K", Decimal("600")), ("M", Decimal("700.50"))]
    assert list(
        RegionBandTariff.objects.filter(region=twente, band__code="K")
        .order_by("valid_from")
        .values_list("tariff_eur_per_day", flat=True)
    ) == [Decimal("582.27"), Decimal("600.00")]
    event = events_for(twente).get(event_type="band_tariffs.changed")
    assert event.details["changes"] == {"K": ["582.27", "600"], "M": ["665.16", "700.50"]}


def test_every_error_at_once_and_nothing_written(bands, twente, coordinator):
    before = RegionBandTariff.objects.count()
    with pytest.raises(Invalid) as error:
        band_tariffs_change(
            region=twente,
            valid_from="9999-01-01",
            tariffs={"K": "0", "L": "-5", "M": "abc", "N": "12.345", "A": "600", "O": "1000000"},
            by=coordinator,
            membership=_membership(coordinator),
        )
    assert {p["name"] for p in error.value.invalid_params} == {
        "valid_from",
        "tariffs.K",
        "tariffs.L",
        "tariffs.M",
        "tariffs.N",
        "tariffs.A",
        "tariffs.O",
    }
    for bad_date in ("", "0001-01-01", "01-02-2026", None):
        with pytest.raises(Invalid) as error:
            band_tariffs_change(
                region=twente,
                valid_from=bad_date,
                tariffs={"K": "600"},
                by=coordinator,
                membership=_membership(coordinator),
            )
        assert [p["name"] for p in error.value.invalid_params] == ["valid_from"]
    assert RegionBandTariff.objects.count() == before


def test_nothing_changed_and_a_second_tariff_on_the_same_day_are_refused(bands, twente, coordinator):
    membership = _membership(coordinator)
    with pytest.raises(Invalid) as error:
        band_tariffs_change(
            region=twente, valid_from=TODAY(), tariffs={"K": "582.27"}, by=coordinator, membership=membership
        )
    assert [p["name"] for p in error.value.invalid_params] == ["tariffs"]
    band_tariffs_change(region=twente, valid_from=TODAY(), tariffs={"K": "590"}, by=coordinator, membership=membership)
    with pytest.raises(Invalid) as error:
        band_tariffs_change(
            region=twente, valid_from=TODAY(), tariffs={"K": "595"}, by=coordinator, membership=membership
        )
    assert [p["name"] for p in error.value.invalid_params] == ["tariffs.K"]


def test_only_coordinators_and_contract_managers_of_the_region(bands, twente, drenthe, coordinator, make_member):
    with pytest.raises(NotFound):
        band_tariffs_change(
            region=drenthe,
            valid_from=TODAY(),
            tariffs={"K": "600"},
            by=coordinator,
            membership=_membership(coordinator),
        )
    admin = make_member(Role.ADMIN)
    with pytest.raises(Forbidden):
        band_tariffs_change(
            region=twente, valid_from=TODAY(), tariffs={"K": "600"}, by=admin, membership=_membership(admin)
        )


def test_the_database_refuses_bad_tariffs_and_rewriting_history(bands, twente):
    band = bands[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionBandTariff.objects.create(region=twente, band=band, tariff_eur_per_day=0, valid_from=TODAY())
    with pytest.raises(IntegrityError), transaction.atomic():  # a second row for the same day
        RegionBandTariff.objects.create(
            region=twente, band=band, tariff_eur_per_day=Decimal("1"), valid_from=DEFAULT_VALID_FROM
        )
    with pytest.raises(DatabaseError, match="Cannot update or delete"), transaction.atomic():  # append-only
        RegionBandTariff.objects.filter(region=twente, band=band).update(tariff_eur_per_day=Decimal("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        IntensityBand.objects.create(code="A", hours_from=1, hours_to=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntensityBand.objects.filter(code="K").update(hours_from=6)  # from after to


# --- every place that validated against the old five bands -------------------------------


def test_need_profile_form_offers_the_active_bands_with_their_hours(bands):
    choices = dict(NeedProfileForm().fields["intensity"].choices)
    assert choices["R"] == "R (8-8,5 uur per etmaal)" and len(choices) == 17  # with the empty choice
    assert NeedProfileForm({"intensity": "R", "security": "open"}).is_valid()
    assert "intensity" in NeedProfileForm({"intensity": "A", "security": "open"}).errors


def test_an_inactive_band_is_refused_but_stored_codes_keep_their_label(bands):
    IntensityBand.objects.filter(code="R").update(is_active=False)
    assert "R" not in active_band_codes() and "R" not in dict(band_choices())
    assert "intensity" in NeedProfileForm({"intensity": "R", "security": "open"}).errors
    from capacity.selectors import band_labels

    assert band_labels()["R"] == "R (8-8,5 uur per etmaal)"


def test_the_analysis_service_accepts_new_bands_and_refuses_unknown_ones(bands, referrer):
    from tests.placement.factories import make_request

    youth = make_request(referrer, complete=False).youth
    analysis_validate({"intensity": "R"}, youth=youth, require_need_profile=False)
    for bad in ("A", "RR", "r"):
        with pytest.raises(Invalid) as error:
            analysis_validate({"intensity": bad}, youth=youth, require_need_profile=False)
        assert [p["name"] for p in error.value.invalid_params] == ["intensity"]


def test_a_facility_takes_a_new_band_and_refuses_an_unknown_one(bands):
    facility_check({"intensity_band": "W"})
    with pytest.raises(Invalid) as error:
        facility_check({"intensity_band": "A"})
    assert [p["name"] for p in error.value.invalid_params] == ["intensity_band"]


def test_matching_scores_intensity_by_half_hour_bands_apart(bands):
    order = tuple(active_band_codes())
    assert _intensity_score("R", "R", order) == 1.0
    assert _intensity_score("R", "T", order) == 0.75  # an hour apart
    assert _intensity_score("R", "V", order) == 0.5  # two hours apart
    assert _intensity_score("K", "Z", order) == 0.0
    assert _intensity_score("R", "A", order) == 0.5  # unknown: neither good nor bad


@pytest.mark.django_db(transaction=True)
def test_two_changes_of_the_same_band_and_day_at_once_one_wins_the_other_is_told(twente, coordinator, contract_manager):
    from tests.placement.test_offer_races import outcome, race

    reference_data_ensure()
    day = TODAY() + dt.timedelta(days=3)

    def change(user, amount):
        return lambda: band_tariffs_change(
            region=twente, valid_from=day, tariffs={"S": amount}, by=user, membership=_membership(user)
        )

    wins, losses = outcome(race(change(coordinator, "950"), change(contract_manager, "960")))
    assert len(wins) == 1 and len(losses) == 1 and isinstance(losses[0], Invalid)
    assert [p["name"] for p in losses[0].invalid_params] == ["tariffs.S"]
    assert RegionBandTariff.objects.filter(region=twente, band__code="S", valid_from=day).count() == 1
