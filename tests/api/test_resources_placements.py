"""Issue 14 point 6: GET /placements, /placements/{id}, /transfers, /transfers/{id}.

Scoped like the screens (provider: own facilities; coordinator: own region; referrer: own
organisation's requests); lists carry no identifying data; the detail carries the
identity and every read of it is access-logged; wrong role 403, outsider 404, bad filters
400 naming the parameter."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from core.models import AccessLogEntry
from placement import services
from placement.models import Placement
from tests.accounts.factories import member
from tests.api.documented import documented
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)


def _placed(referrer, coordinator, *, school="Het Stedelijk Lyceum"):
    placement_request = in_matching(referrer, coordinator)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    placement = services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        school=school,
        by=staff,
        membership=provider_membership(staff),
    )
    # Started a month ago (a start lies on or after the acceptance, so move it back here).
    Placement.objects.filter(pk=placement.pk).update(start_date=timezone.localdate() - datetime.timedelta(days=30))
    placement.refresh_from_db()
    return placement, staff


@pytest.fixture
def placed(referrer, coordinator):
    return _placed(referrer, coordinator)


@pytest.fixture
def transferred(placed, coordinator):
    placement, staff = placed
    services.placement_end(
        placement=placement,
        end_date=timezone.localdate(),
        reason="04",
        destination="other_region",
        needs_new_place=True,
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement.refresh_from_db()
    return placement, staff


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_each_reader_lists_only_the_placements_in_its_scope(api, placed, referrer, coordinator, coordinator_drenthe):
    placement, staff = placed
    other_provider = member(Role.PROVIDER)
    other_referrer = member(Role.REFERRER)
    for user in (staff, coordinator, referrer):
        assert _ids(api.as_user(user).get("/api/v1/placements")) == [placement.pk]
    for user in (other_provider, other_referrer, coordinator_drenthe):
        assert _ids(api.as_user(user).get("/api/v1/placements")) == []


@pytest.mark.django_db
def test_the_list_carries_no_identity_and_logs_nothing(api, placed):
    placement, staff = placed
    youth = placement.youth
    before = AccessLogEntry.objects.count()
    response = api.as_user(staff).get("/api/v1/placements")
    body = response.content.decode()
    documented(response)
    for value in (youth.family_name, youth.bsn, youth.address, "Het Stedelijk Lyceum"):
        assert value not in body
    row = response.json()["results"][0]
    assert row["facility"]["id"] == placement.facility_id and row["kind"] == "regular"
    assert row["reference"] == placement.offer.pseudonym
    assert AccessLogEntry.objects.count() == before


@pytest.mark.django_db
def test_the_detail_carries_the_identity_and_every_read_is_logged(api, placed, coordinator, referrer):
    placement, staff = placed
    youth = placement.youth
    for user, purpose in ((staff, "care"), (coordinator, "matching"), (referrer, "own_request")):
        response = api.as_user(user).get(f"/api/v1/placements/{placement.pk}")
        data = documented(response)
        assert data["identity"]["bsn"] == youth.bsn and data["identity"]["family_name"] == youth.family_name
        assert data["school"] == "Het Stedelijk Lyceum"
        entry = AccessLogEntry.objects.filter(user_id=user.pk, subject_type="placement.youth").latest("id")
        assert entry.subject_id == youth.pk and entry.purpose == purpose
        assert entry.details["placement"] == placement.pk


@pytest.mark.django_db
def test_an_outsider_gets_404_and_the_attempt_is_logged(api, placed, coordinator_drenthe):
    placement, _staff = placed
    outsiders = (member(Role.PROVIDER), member(Role.REFERRER), coordinator_drenthe)
    for user in outsiders:
        response = api.as_user(user).get(f"/api/v1/placements/{placement.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert placement.youth.family_name not in response.content.decode()
    denied = AccessLogEntry.objects.filter(
        action="denied", subject_type="placement.youth", subject_id=placement.youth_id
    )
    assert denied.count() == len(outsiders)


@pytest.mark.django_db
def test_a_wrong_role_gets_403(api, placed, contract_manager):
    placement, _staff = placed
    scientist = member(Role.BEHAVIOURAL_SCIENTIST)
    for user in (contract_manager, scientist):
        for path in ("/api/v1/placements", f"/api/v1/placements/{placement.pk}", "/api/v1/transfers"):
            response = api.as_user(user).get(path)
            assert response.status_code == 403, path
            assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_filters_status_facility_provider_and_period(api, referrer, coordinator):
    first, _ = _placed(referrer, coordinator)
    second, _ = _placed(referrer, coordinator)
    services.placement_end(
        placement=second,
        end_date=timezone.localdate() - datetime.timedelta(days=10),
        reason="01",
        destination="home",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    client = api.as_user(coordinator)
    assert _ids(client.get("/api/v1/placements?status=running")) == [first.pk]
    assert _ids(client.get("/api/v1/placements?status=ended")) == [second.pk]
    assert _ids(client.get(f"/api/v1/placements?facility={second.facility_id}")) == [second.pk]
    assert _ids(client.get(f"/api/v1/placements?provider={first.provider_id}")) == [first.pk]
    # A period after the second ended: only the running one ran then.
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert _ids(client.get(f"/api/v1/placements?from={since}")) == [first.pk]
    # A period before both started: none.
    assert _ids(client.get("/api/v1/placements?to=2001-01-01")) == []
    # The calendar's edges are dates like any other: no 5xx.
    assert _ids(client.get("/api/v1/placements?from=0001-01-01&to=9999-12-31")) == sorted(
        [first.pk, second.pk], reverse=True
    )


@pytest.mark.django_db
def test_bad_filters_are_400_naming_every_parameter(api, placed, coordinator):
    response = api.as_user(coordinator).get(
        "/api/v1/placements?status=gone&facility=abc&provider=99999999999&from=2025-13-01&to=x"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    names = sorted(p["name"] for p in response.json()["invalid_params"])
    assert names == ["facility", "from", "provider", "status", "to"]
    response = api.as_user(coordinator).get("/api/v1/placements?from=2025-02-01&to=2025-01-01")
    assert response.status_code == 400 and [p["name"] for p in response.json()["invalid_params"]] == ["to"]


@pytest.mark.django_db
def test_transfers_list_and_detail_for_the_scope(api, transferred, coordinator, referrer, coordinator_drenthe):
    placement, staff = transferred
    transfer = placement.transfer
    for user in (staff, coordinator, referrer):
        assert _ids(api.as_user(user).get("/api/v1/transfers")) == [transfer.pk]
        data = documented(api.as_user(user).get(f"/api/v1/transfers/{transfer.pk}"))
        response = api.as_user(user).get(f"/api/v1/transfers/{transfer.pk}")
        assert data["from_placement"] == placement.pk and data["new_request"] == transfer.new_request_id
        assert data["end_reason"] == "04" and data["provider"]["id"] == placement.provider_id
        assert placement.youth.family_name not in response.content.decode()
    for user in (member(Role.PROVIDER), member(Role.REFERRER), coordinator_drenthe):
        assert _ids(api.as_user(user).get("/api/v1/transfers")) == []
        response = api.as_user(user).get(f"/api/v1/transfers/{transfer.pk}")
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    # The placement's own list row points at its transfer.
    row = api.as_user(coordinator).get("/api/v1/placements").json()["results"][0]
    assert row["transfer"] == transfer.pk and row["end_reason"] == "04"


@pytest.mark.django_db
def test_transfer_filters(api, transferred, coordinator):
    placement, _staff = transferred
    client = api.as_user(coordinator)
    today = timezone.localdate().isoformat()
    documented(client.get("/api/v1/transfers"))
    assert _ids(client.get(f"/api/v1/transfers?from={today}&to={today}")) == [placement.transfer.pk]
    assert _ids(client.get("/api/v1/transfers?to=2001-01-01")) == []
    assert _ids(client.get(f"/api/v1/transfers?provider={placement.provider_id + 1000}")) == []
    response = client.get("/api/v1/transfers?facility=-1&from=yesterday")
    assert response.status_code == 400
    assert sorted(p["name"] for p in response.json()["invalid_params"]) == ["facility", "from"]
