import pytest
from django.db import IntegrityError, transaction

from accounts.models import Municipality, Organisation, Region
from accounts.reference_data import reference_data_load


@pytest.mark.django_db
def test_all_municipalities_and_regions_are_loaded_with_coordinates(twente):
    assert Region.objects.count() == 42
    assert Municipality.objects.count() == 342
    assert not Region.objects.filter(code="JZ40").exists()  # CBS skips JZ40
    enschede = Municipality.objects.get(name="Enschede")
    assert enschede.region == twente
    assert 52.1 < float(enschede.latitude) < 52.3 and 6.8 < float(enschede.longitude) < 7.0
    assert twente.municipalities.count() == 14
    assert Region.objects.get(code="JZ39").municipalities.count() == 21


@pytest.mark.django_db
def test_loading_twice_changes_nothing(twente):
    before = list(Municipality.objects.order_by("code").values_list("code", "name", "region__code", "latitude"))
    assert reference_data_load() == (42, 342)
    after = list(Municipality.objects.order_by("code").values_list("code", "name", "region__code", "latitude"))
    assert before == after


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"kind": Organisation.Kind.REFERRER, "referrer_code": ""},  # a referrer needs its CBS code
        {"kind": Organisation.Kind.PROVIDER, "agb_code": "12ab"},  # AGB code is 8 digits
        {"kind": Organisation.Kind.PROVIDER, "agb_code": ""},
        {"kind": Organisation.Kind.COORDINATION, "referrer_code": "01"},  # only referrers carry one
    ],
)
def test_database_refuses_inconsistent_organisations(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="X", **fields)
