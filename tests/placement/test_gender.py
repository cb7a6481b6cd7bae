"""One gender code set (capacity.models.Gender) for youth, facilities, matching and the
referral a provider receives; the data migration that recoded the youth and the referrals
already sent (placement 0003)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from accounts.models import Role
from capacity.models import FACILITY_GENDER_CHOICES, Gender
from intake.models import Youth
from placement import selectors
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    make_request,
    offer_to,
    youth_data,
)

BEFORE = ("placement", "0002_offer_placement_transfer_waitingperiod_and_more")  # the old m/f/x codes


def test_facilities_accept_every_gender_of_the_code_set_but_unknown():
    assert [value for value, _label in FACILITY_GENDER_CHOICES] == ["female", "male", "other"]
    assert Gender.values == ["female", "male", "other", "unknown"]


@pytest.mark.django_db
@pytest.mark.parametrize("gender", ["female", "male", "other"])
def test_the_referral_a_provider_receives_uses_the_codes_of_its_facilities(api, referrer, coordinator, gender):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(gender=gender))
    facility = fitting_facility(genders=[gender])
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    api.as_user(staff)
    referral = api.get(f"/api/v1/offers/{offer.pk}").json()["referral"]
    facility_genders = api.get(f"/api/v1/facilities/{facility.pk}").json()["genders"]
    assert referral["gender"] == gender and facility_genders == [gender]


@pytest.mark.django_db
def test_the_provider_reads_the_gender_label_on_the_referral(client, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator, youth=youth_data(gender="unknown"))
    facility = fitting_facility()  # accepts every gender, so an unknown gender fits
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    assert offer.referral["gender"] == "unknown"
    client.force_login(staff)
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert "<dt>Geslacht</dt><dd>Onbekend</dd>" in page


@pytest.mark.django_db
def test_matching_takes_the_youth_gender_code_as_it_is(referrer, coordinator):
    girl = in_matching(referrer, coordinator, youth=youth_data(gender="female"))
    unknown = in_matching(referrer, coordinator, youth=youth_data(gender="unknown"))
    everyone = fitting_facility(name="Iedereen")
    girls = fitting_facility(name="Meidengroep", genders=["female"])
    boys_and_girls = fitting_facility(name="Jongens en meiden", genders=["female", "male"])
    membership = coordinator_membership(coordinator)

    def fitting(placement_request):
        result = selectors.matching_for_request(membership=membership, placement_request=placement_request)
        return {m.facility.facility_id for m in result.available}

    assert fitting(girl) == {everyone.pk, girls.pk, boys_and_girls.pk}
    assert fitting(unknown) == {everyone.pk}
    with translation.override("nl"):
        result = selectors.matching_for_request(membership=membership, placement_request=unknown)
        texts = [c.text for c in result.match_of(boys_and_girls.pk).criteria if c.code == "gender"]
    assert texts == ["Geslacht onbekend; deze locatie neemt niet elk geslacht op"]


@pytest.mark.django_db
def test_a_youth_may_be_of_unknown_gender_but_a_facility_cannot_accept_unknown(api, referrer, make_member):
    from tests.placement.test_api import create_body

    body = create_body()
    body["youth"]["gender"] = "unknown"
    response = api.as_user(referrer).post("/api/v1/requests", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["youth"]["gender"] == "unknown"
    facility = fitting_facility()
    response = api.as_user(make_member(Role.ADMIN)).patch(
        f"/api/v1/facilities/{facility.pk}", {"genders": ["female", "unknown"]}, format="json"
    )
    assert response.status_code == 422, response.content
    assert [p["name"] for p in response.json()["invalid_params"]][0].startswith("genders")


@pytest.mark.django_db
def test_the_database_refuses_an_old_gender_code(referrer):
    youth = make_request(referrer, complete=False).youth
    with pytest.raises(IntegrityError), transaction.atomic():
        Youth.objects.filter(pk=youth.pk).update(gender="m")


def _genders(youth_ids):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, gender FROM placement_youth WHERE id = ANY(%s)", [list(youth_ids)])
        return dict(cursor.fetchall())


def _referral_gender(offer_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT referral->>'gender' FROM placement_offer WHERE id = %s", [offer_id])
        return cursor.fetchone()[0]


def _migrate(target=None):
    """Migrate to `target`, or forward to the latest migrations of every app (as the owner
    role: the application role the tests run as may not alter tables)."""
    from core.db_roles import as_owner

    with as_owner():
        executor = MigrationExecutor(connection)
        executor.migrate([target] if target else executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_recodes_youth_and_sent_referrals_backward_and_forward(referrer, coordinator):
    offered = in_matching(referrer, coordinator, youth=youth_data(gender="female"))
    offer = offer_to(offered, fitting_facility(), coordinator)
    youth = {"female": offered.youth_id}
    for gender in ("male", "other", "unknown"):
        youth[gender] = make_request(referrer, complete=False, youth=youth_data(gender=gender)).youth_id
    ids = {pk: gender for gender, pk in youth.items()}
    try:
        _migrate(BEFORE)
        assert {ids[pk]: code for pk, code in _genders(ids).items()} == {
            "female": "f",
            "male": "m",
            "other": "x",
            "unknown": "x",
        }
        assert _referral_gender(offer.pk) == "f"
    finally:
        _migrate()
    # "x" was "other or unknown": it comes back as unknown, which claims nothing.
    assert {ids[pk]: code for pk, code in _genders(ids).items()} == {
        "female": "female",
        "male": "male",
        "other": "unknown",
        "unknown": "unknown",
    }
    assert _referral_gender(offer.pk) == "female"


@pytest.mark.django_db
def test_the_api_schema_has_one_enum_per_gender_set(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["GenderEnum"]["enum"] == ["female", "male", "other", "unknown"]
    assert schemas["FacilityGenderEnum"]["enum"] == ["female", "male", "other"]
    assert sorted(name for name in schemas if "ender" in name) == ["FacilityGenderEnum", "GenderEnum"]
