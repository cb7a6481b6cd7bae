"""Issue 11 point 3: one youth across requests. A new request joins the existing youth by
BSN (within what the referrer may see, never across a hidden organisation or region); link
and unlink by hand with a reason (events, access log, bad input, 404 for what one may not
see); the youth's page with every request, offer, placement and transfer in one timeline
(access-logged, a referrer sees only its own organisation's requests); re-entry within six
months and transfers / changes of provider per youth."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.events import events_for
from core.models import AccessLogEntry, Event
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.models import Guardian, Kind, PlacementRequest, Youth
from placement import selectors, services
from placement.models import Placement, Transfer
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    make_request,
    next_bsn,
    offer_to,
    provider_membership,
    youth_data,
)


def referrer_membership(user):
    return membership_with_role(user, Role.REFERRER)


def placed_and_ended(referrer, coordinator, *, youth=None, needs_new_place=False, provider=None):
    """A request placed at a fitting facility and ended today (with a transfer if asked)."""
    placement_request = in_matching(referrer, coordinator, youth=youth)
    facility = fitting_facility(provider)
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    placement_request.refresh_from_db()
    placement = services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    services.placement_end(
        placement=placement,
        end_date=timezone.localdate(),
        destination="home",
        reason="01",
        needs_new_place=needs_new_place,
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement_request.refresh_from_db()
    placement.refresh_from_db()
    return placement_request, placement


def link(placement_request, target, user, membership, reason="Zelfde naam, geboortedatum en moeder"):
    return services.youth_link(
        placement_request=placement_request, target=target, reason=reason, by=user, membership=membership
    )


def written_counts():
    return (Event.objects.count(), Youth.objects.count(), Guardian.objects.count())


# --- 1. the BSN links a new request to the existing youth --------------------------------------


@pytest.mark.django_db
def test_a_new_request_with_the_same_bsn_joins_the_youth_of_the_own_organisation(referrer):
    bsn = next_bsn()
    first = make_request(referrer, youth=youth_data(bsn=bsn, address="Oudestraat 1"))
    data = youth_data(bsn=f"{bsn[:3]} {bsn[3:]}", address="Nieuweweg 9", family_name="Anders", school="")
    second = intake_services.request_create(youth=data, by=referrer, membership=referrer_membership(referrer))
    assert second.youth_id == first.youth_id  # one youth record, not a copy
    youth = Youth.objects.get(pk=first.youth_id)
    # The circumstances are the latest known; the identity stays as stored with the BSN.
    assert youth.address == "Nieuweweg 9" and youth.school == ""
    assert youth.family_name == first.youth.family_name and youth.bsn == bsn
    event = [e for e in events_for(second) if e.event_type == "youth_linked"][-1]
    assert event.details["how"] == "bsn" and event.details["youth"] == youth.pk
    assert event.details["kept"] == ["family_name"]
    assert {"address", "school", "guardians"} <= set(event.details["updated"])
    assert "Anders" not in str(event.details) and "Nieuweweg" not in str(event.details)  # names of fields only


@pytest.mark.django_db
def test_the_same_bsn_in_another_organisation_or_a_hidden_region_is_not_linked(referrer, coordinator, make_member):
    """The youth known only to another organisation (here: in Drenthe) stays apart; the
    referrer reads nothing of it, and the Twente coordinator gets only the existing hint."""
    bsn = next_bsn()
    other = make_member(Role.REFERRER)
    elsewhere = make_request(other, submit=True, youth=youth_data("GM0106", bsn=bsn, family_name="Verborgen"))
    mine = make_request(referrer, submit=True, youth=youth_data(bsn=bsn))
    assert mine.youth_id != elsewhere.youth_id
    assert not [e for e in events_for(mine) if e.event_type == "youth_linked"]
    assert not AccessLogEntry.objects.filter(user=referrer, subject_id=elsewhere.youth_id).exists()
    duplicates = intake_selectors.request_possible_duplicates(
        placement_request=mine, membership=coordinator_membership(coordinator)
    )
    assert [(d.visible, d.region.code) for d in duplicates] == [(False, "JZ04")]
    page = selectors.youth_page(membership=coordinator_membership(coordinator), pk=mine.youth_id)
    assert [r["request"].pk for r in page["requests"]] == [mine.pk] and page["elsewhere"] == []


@pytest.mark.django_db
def test_a_shared_youth_keeps_its_bsn_when_a_draft_changes_it(referrer):
    bsn = next_bsn()
    first = make_request(referrer, youth=youth_data(bsn=bsn))
    second = make_request(referrer, complete=False, youth=youth_data(bsn=bsn))
    assert second.youth_id == first.youth_id
    membership = referrer_membership(referrer)
    for value in (next_bsn(), ""):
        with pytest.raises(Invalid) as error:
            intake_services.request_update(
                placement_request=second, by=referrer, membership=membership, youth={"bsn": value}
            )
        assert [p["name"] for p in error.value.invalid_params] == ["bsn"]
    assert Youth.objects.get(pk=first.youth_id).bsn == bsn
    intake_services.request_update(  # the same BSN, other data: fine
        placement_request=second, by=referrer, membership=membership, youth={"bsn": bsn, "school": "De Bron"}
    )
    assert Youth.objects.get(pk=first.youth_id).school == "De Bron"


# --- 2. link and unlink by hand -----------------------------------------------------------------


@pytest.mark.django_db
def test_referrer_links_a_request_without_bsn_to_the_youth_of_an_earlier_one(referrer):
    earlier = make_request(referrer, youth=youth_data(bsn="", school=""))
    new = make_request(referrer, complete=False, youth=youth_data(bsn="", school="De Bron"))
    old_youth = new.youth_id
    candidates = intake_selectors.youth_link_candidates(placement_request=new, membership=referrer_membership(referrer))
    assert candidates == []  # another family name: not offered, but the number links it
    link(new, earlier.reference, referrer, referrer_membership(referrer))
    new.refresh_from_db()
    assert new.youth_id == earlier.youth_id
    youth = Youth.objects.get(pk=earlier.youth_id)
    assert youth.school == "De Bron"  # a blank of the earlier record filled, nothing overwritten
    assert not Youth.objects.filter(pk=old_youth).exists()  # no orphan record of the youth left
    event = [e for e in events_for(new) if e.event_type == "youth_linked"][-1]
    assert event.details["reason"] == "Zelfde naam, geboortedatum en moeder"
    assert event.details["from_youth"] == old_youth and event.details["target_request"] == earlier.pk
    assert event.details["filled"] == ["school"] and event.actor == referrer
    row = AccessLogEntry.objects.filter(user=referrer, subject_id=youth.pk).order_by("-chain_seq").first()
    assert row.details["view"] == "youth_link" and row.details["target_request"] == earlier.pk


@pytest.mark.django_db
def test_link_candidates_are_the_same_name_and_birth_date_in_scope(referrer, make_member):
    earlier = make_request(referrer, youth=youth_data(bsn="", family_name="de Vries"))
    new = make_request(referrer, complete=False, youth=youth_data(bsn="", family_name="De  Vries"))
    make_request(make_member(Role.REFERRER), youth=youth_data(bsn="", family_name="de Vries"))  # another org
    found = intake_selectors.youth_link_candidates(placement_request=new, membership=referrer_membership(referrer))
    assert [r.pk for r in found] == [earlier.pk]


@pytest.mark.django_db
def test_link_bad_input_names_every_field_and_writes_nothing(referrer):
    new = make_request(referrer, complete=False, youth=youth_data(bsn=""))
    before = written_counts()
    with pytest.raises(Invalid) as error:
        link(new, "abc", referrer, referrer_membership(referrer), reason="  ")
    assert {p["name"] for p in error.value.invalid_params} == {"target_request", "reason"}
    with pytest.raises(Invalid) as error:
        link(new, new.reference, referrer, referrer_membership(referrer))
    assert error.value.code == "already_linked"
    assert written_counts() == before


@pytest.mark.django_db
def test_linking_to_a_request_one_may_not_see_is_not_found_and_writes_nothing(referrer, coordinator, make_member):
    other_org = make_request(make_member(Role.REFERRER), submit=True, youth=youth_data(bsn=""))
    hidden_region = make_request(make_member(Role.REFERRER), submit=True, youth=youth_data("GM0106", bsn=""))
    mine = make_request(referrer, submit=True, youth=youth_data(bsn=""))
    before = written_counts()
    with pytest.raises(NotFound):  # another organisation's request: the referrer cannot see it
        link(mine, other_org.pk, referrer, referrer_membership(referrer))
    with pytest.raises(NotFound):  # another region's request: the coordinator cannot see it
        link(mine, hidden_region.reference, coordinator, coordinator_membership(coordinator))
    with pytest.raises(NotFound):
        link(mine, 99_999_999, referrer, referrer_membership(referrer))
    assert written_counts() == before
    assert PlacementRequest.objects.get(pk=mine.pk).youth_id == mine.youth_id


@pytest.mark.django_db
def test_two_different_bsns_are_never_linked(referrer):
    earlier = make_request(referrer, youth=youth_data(bsn=next_bsn()))
    new = make_request(referrer, complete=False, youth=youth_data(bsn=next_bsn()))
    before = written_counts()
    with pytest.raises(Invalid) as error:
        link(new, earlier.pk, referrer, referrer_membership(referrer))
    assert error.value.code == "bsn_differs" and written_counts() == before


@pytest.mark.django_db
def test_only_the_own_referrer_or_the_regions_coordinator_links(
    referrer, coordinator, coordinator_drenthe, make_member
):
    earlier = make_request(referrer, submit=True, youth=youth_data(bsn=""))
    new = make_request(referrer, submit=True, youth=youth_data(bsn=""))
    staff = member(Role.PROVIDER)
    for user, membership in [
        (staff, provider_membership(staff)),
        (coordinator_drenthe, coordinator_membership(coordinator_drenthe)),
    ]:
        with pytest.raises(Forbidden):
            link(new, earlier.pk, user, membership)
    assert PlacementRequest.objects.get(pk=new.pk).youth_id == new.youth_id


@pytest.mark.django_db
def test_coordinator_links_across_organisations_and_the_placement_and_transfer_follow(
    referrer, coordinator, make_member
):
    """The same child from another referrer in the region: the coordinator links it; the
    earlier request's youth then has both requests, and the new request's placement and
    transfer count for that youth."""
    earlier, _placement = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=""))
    other = make_member(Role.REFERRER)
    again, placement = placed_and_ended(other, coordinator, youth=youth_data(bsn=""), needs_new_place=True)
    transfer = Transfer.objects.get(from_placement=placement)
    link(transfer.new_request, earlier.pk, coordinator, coordinator_membership(coordinator))
    link(again, earlier.pk, coordinator, coordinator_membership(coordinator))
    assert set(PlacementRequest.objects.filter(youth_id=earlier.youth_id).values_list("pk", flat=True)) == {
        earlier.pk,
        again.pk,
        transfer.new_request_id,
    }
    assert Placement.objects.get(pk=placement.pk).youth_id == earlier.youth_id
    assert Transfer.objects.get(pk=transfer.pk).youth_id == earlier.youth_id
    assert selectors.transfers_of_youth(earlier.youth_id) == 1


@pytest.mark.django_db
def test_unlink_gives_the_request_its_own_copy_with_a_reason(referrer, coordinator):
    bsn = next_bsn()
    earlier, _placement = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn))
    again, placement = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn))
    assert again.youth_id == earlier.youth_id
    membership = coordinator_membership(coordinator)
    before = written_counts()
    with pytest.raises(Invalid) as error:
        services.youth_unlink(placement_request=again, reason="", by=coordinator, membership=membership)
    assert [p["name"] for p in error.value.invalid_params] == ["reason"] and written_counts() == before
    services.youth_unlink(placement_request=again, reason="Tweeling, ander kind", by=coordinator, membership=membership)
    again.refresh_from_db()
    copy = again.youth
    assert copy.pk != earlier.youth_id and copy.full_name == earlier.youth.full_name
    assert copy.guardians.count() == earlier.youth.guardians.count() == 1
    assert Placement.objects.get(pk=placement.pk).youth_id == copy.pk
    event = [e for e in events_for(again) if e.event_type == "youth_unlinked"][-1]
    assert event.details == {"reason": "Tweeling, ander kind", "youth": copy.pk, "from_youth": earlier.youth_id}
    assert AccessLogEntry.objects.filter(user=coordinator, subject_id=earlier.youth_id, details__view="youth_unlink")
    with pytest.raises(Conflict):  # its own record now: nothing to unlink
        services.youth_unlink(placement_request=again, reason="nogmaals", by=coordinator, membership=membership)


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_link_and_unlink(api, referrer):
    earlier = make_request(referrer, youth=youth_data(bsn=""))
    new = make_request(referrer, complete=False, youth=youth_data(bsn=""))
    client = api.as_user(referrer)
    response = client.post(f"/api/v1/requests/{new.pk}/youth/link", {"target_request": None}, format="json")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    assert {p["name"] for p in response.json()["invalid_params"]} == {"target_request", "reason"}
    response = client.post(f"/api/v1/requests/{new.pk}/youth/link", {"target": earlier.pk}, format="json")
    assert response.status_code == 422 and [p["name"] for p in response.json()["invalid_params"]] == ["target"]
    response = client.post(
        f"/api/v1/requests/{new.pk}/youth/link", {"target_request": earlier.pk, "reason": "Zelfde kind"}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"request": new.pk, "youth": earlier.youth_id}
    response = client.post(f"/api/v1/requests/{new.pk}/youth/unlink", {"reason": ""}, format="json")
    assert response.status_code == 422 and [p["name"] for p in response.json()["invalid_params"]] == ["reason"]
    response = client.post(f"/api/v1/requests/{new.pk}/youth/unlink", {"reason": "Ander kind"}, format="json")
    assert response.status_code == 200 and response.json()["youth"] != earlier.youth_id


@pytest.mark.django_db
def test_api_outsider_404_provider_403_hidden_target_404_and_nothing_written(api, referrer, make_member):
    earlier = make_request(referrer, youth=youth_data(bsn=""))
    new = make_request(referrer, complete=False, youth=youth_data(bsn=""))
    foreign = make_request(make_member(Role.REFERRER), youth=youth_data(bsn=""))
    before = written_counts()
    body = {"target_request": earlier.pk, "reason": "Zelfde kind"}
    outsider = make_member(Role.REFERRER)
    assert api.as_user(outsider).post(f"/api/v1/requests/{new.pk}/youth/link", body, format="json").status_code == 404
    staff = member(Role.PROVIDER)
    response = api.as_user(staff).post(f"/api/v1/requests/{new.pk}/youth/link", body, format="json")
    assert response.status_code == 403
    assert api.as_user(staff).get(f"/api/v1/youth/{new.youth_id}").status_code == 403
    response = api.as_user(referrer).post(
        f"/api/v1/requests/{new.pk}/youth/link", {"target_request": foreign.pk, "reason": "x"}, format="json"
    )
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert api.as_user(outsider).get(f"/api/v1/youth/{new.youth_id}").status_code == 404
    assert written_counts() == before
    denied = AccessLogEntry.objects.filter(user=outsider, action="denied").order_by("chain_seq")
    assert [(d.subject_type, d.subject_id) for d in denied] == [("placement.youth", new.youth_id)] * 2


@pytest.mark.django_db
def test_the_youth_endpoints_are_in_the_openapi_document(api, referrer):
    paths = api.as_user(referrer).get("/api/v1/openapi.json").json()["paths"]
    for path in ("/requests/{id}/youth/link", "/requests/{id}/youth/unlink", "/youth/{id}"):  # relative to servers
        assert path in paths or path.replace("{id}", "{pk}") in paths, path


# --- the HTML forms -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_link_form_shows_every_error_next_to_its_field(client, referrer):
    new = make_request(referrer, complete=False, youth=youth_data(bsn=""))
    client.force_login(referrer)
    before = written_counts()
    response = client.post(f"/requests/{new.pk}/youth/link/", {"target_request": "", "reason": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_target_request-error"' in html and 'id="id_reason-error"' in html
    response = client.post(f"/requests/{new.pk}/youth/link/", {"target_request": "PV-abc", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 422 and 'id="id_target_request-error"' in html and 'id="id_reason-error"' in html
    assert written_counts() == before


@pytest.mark.django_db
def test_link_form_to_a_request_one_may_not_see_is_a_404_with_the_message_at_the_field(client, referrer, make_member):
    new = make_request(referrer, complete=False, youth=youth_data(bsn=""))
    foreign = make_request(make_member(Role.REFERRER), youth=youth_data(bsn=""))
    client.force_login(referrer)
    before = written_counts()
    response = client.post(f"/requests/{new.pk}/youth/link/", {"target_request": foreign.reference, "reason": "x"})
    assert response.status_code == 404 and 'id="id_target_request-error"' in response.content.decode()
    assert foreign.youth.family_name not in response.content.decode()
    assert written_counts() == before


@pytest.mark.django_db
def test_link_form_links_and_the_youth_page_follows(client, referrer):
    earlier = make_request(referrer, youth=youth_data(bsn=""))
    new = make_request(referrer, complete=False, youth=youth_data(bsn=""))
    client.force_login(referrer)
    page = client.get(f"/requests/{new.pk}/")
    assert f'href="/youth/{new.youth_id}/"' in page.content.decode()  # the include on the request page
    response = client.post(f"/requests/{new.pk}/youth/link/", {"target_request": earlier.reference, "reason": "Zelfde"})
    assert response.status_code == 302 and response["Location"] == f"/youth/{earlier.youth_id}/"
    html = client.get(response["Location"]).content.decode()
    assert earlier.reference in html and new.reference in html


@pytest.mark.django_db
def test_unlink_form_needs_a_reason(client, coordinator, referrer):
    bsn = next_bsn()
    make_request(referrer, submit=True, youth=youth_data(bsn=bsn))
    again = make_request(referrer, submit=True, youth=youth_data(bsn=bsn))
    client.force_login(coordinator)
    response = client.post(f"/requests/{again.pk}/youth/unlink/", {"reason": ""})
    assert response.status_code == 422 and 'id="id_reason-error"' in response.content.decode()
    response = client.post(f"/requests/{again.pk}/youth/unlink/", {"reason": "Ander kind"})
    assert response.status_code == 302
    assert PlacementRequest.objects.get(pk=again.pk).youth_id != again.youth_id


# --- 3. the youth's page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_youth_page_shows_every_request_offer_placement_and_transfer_and_logs_the_read(client, referrer, coordinator):
    bsn = next_bsn()
    earlier, placement = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn), needs_new_place=True)
    transfer = Transfer.objects.get(from_placement=placement)
    again = make_request(referrer, submit=True, youth=youth_data(bsn=bsn))
    membership = coordinator_membership(coordinator)
    page = selectors.youth_page(membership=membership, pk=earlier.youth_id)
    assert [r["request"].pk for r in page["requests"]] == [earlier.pk, transfer.new_request_id, again.pk]
    assert [p.pk for p in page["placements"]] == [placement.pk]
    assert [t.pk for t in page["transfers"]] == [transfer.pk]
    assert [o.request_id for o in page["offers"]] == [earlier.pk]
    types = [(row["request"].pk, row["event_type"]) for row in page["timeline"]]
    for expected in [
        (earlier.pk, "offer_made"),
        (earlier.pk, "placement_started"),
        (earlier.pk, "placement_ended"),
        (transfer.new_request_id, "transfer_request_created"),
        (again.pk, "youth_linked"),
    ]:
        assert expected in types, expected
    times = [row["occurred_at"] for row in page["timeline"]]
    assert times == sorted(times)
    row = AccessLogEntry.objects.filter(user=coordinator, subject_id=earlier.youth_id).order_by("-chain_seq").first()
    assert row.details == {"view": "youth", "requests": [earlier.pk, transfer.new_request_id, again.pk]}
    assert row.subject_type == "placement.youth" and row.purpose == "triage"
    client.force_login(coordinator)
    count = AccessLogEntry.objects.filter(user=coordinator, details__view="youth").count()
    html = client.get(f"/youth/{earlier.youth_id}/").content.decode()
    assert AccessLogEntry.objects.filter(user=coordinator, details__view="youth").count() == count + 1
    for r in (earlier, transfer.new_request, again):
        assert r.reference in html
    assert placement.facility.name in html and 'id="youth-timeline"' in html


@pytest.mark.django_db
def test_a_referrer_sees_only_its_own_organisations_requests_of_the_youth(client, referrer, coordinator, make_member):
    """Decision: a referrer must not see another referrer's request on the same youth, not
    even that it exists; the coordinator sees both."""
    mine = make_request(referrer, submit=True, youth=youth_data(bsn=""))
    other_referrer = make_member(Role.REFERRER)
    theirs = make_request(other_referrer, submit=True, youth=youth_data(bsn=""))
    link(theirs, mine.pk, coordinator, coordinator_membership(coordinator))
    seen = selectors.youth_page(membership=referrer_membership(referrer), pk=mine.youth_id)
    assert [r["request"].pk for r in seen["requests"]] == [mine.pk]
    assert {row["request"].pk for row in seen["timeline"]} == {mine.pk} and seen["elsewhere"] == []
    client.force_login(referrer)
    html = client.get(f"/youth/{mine.youth_id}/").content.decode()
    assert theirs.reference not in html and theirs.referrer_organisation.name not in html
    both = selectors.youth_page(membership=coordinator_membership(coordinator), pk=mine.youth_id)
    assert [r["request"].pk for r in both["requests"]] == [mine.pk, theirs.pk]
    client.force_login(other_referrer)
    assert mine.reference not in client.get(f"/youth/{mine.youth_id}/").content.decode()


@pytest.mark.django_db
def test_a_coordinator_sees_another_region_only_by_name_and_contact(referrer, coordinator, coordinator_drenthe):
    twente = make_request(referrer, submit=True, youth=youth_data(bsn=""))
    drenthe = make_request(referrer, submit=True, youth=youth_data("GM0106", bsn=""))
    link(drenthe, twente.pk, referrer, referrer_membership(referrer))  # the referrer sees both (own organisation)
    page = selectors.youth_page(membership=coordinator_membership(coordinator), pk=twente.youth_id)
    assert [r["request"].pk for r in page["requests"]] == [twente.pk]
    assert [(d.region.code, d.request) for d in page["elsewhere"]] == [("JZ04", None)]
    assert drenthe.pk not in {row["request"].pk for row in page["timeline"]}
    mine = selectors.youth_page(membership=referrer_membership(referrer), pk=twente.youth_id)
    assert [r["request"].pk for r in mine["requests"]] == [twente.pk, drenthe.pk]


@pytest.mark.django_db
def test_youth_page_is_404_for_an_outsider_403_for_a_provider_and_the_refusal_is_logged(client, referrer, make_member):
    mine = make_request(referrer, youth=youth_data(bsn=""))
    outsider = make_member(Role.REFERRER)
    client.force_login(outsider)
    assert client.get(f"/youth/{mine.youth_id}/").status_code == 404
    denied = AccessLogEntry.objects.get(user=outsider)
    assert (denied.action, denied.subject_type, denied.subject_id) == ("denied", "placement.youth", mine.youth_id)
    staff = member(Role.PROVIDER)
    client.force_login(staff)
    assert client.get(f"/youth/{mine.youth_id}/").status_code == 403
    coordinator = make_member(Role.COORDINATOR, regions=[mine.region])
    client.force_login(coordinator)
    assert client.get(f"/youth/{mine.youth_id}/").status_code == 404  # a draft: not the coordinator's yet


# --- 4. re-entry within six months, transfers and changes of provider per youth -----------------


@pytest.mark.django_db
def test_a_request_after_a_placement_that_ended_within_six_months_is_a_re_entry(referrer, coordinator):
    bsn = next_bsn()
    earlier, placement = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn))
    again = make_request(referrer, submit=True, youth=youth_data(bsn=bsn))
    assert selectors.request_reentry(again) == placement
    assert selectors.request_reentry(earlier) is None  # its own placement does not count
    today = timezone.localdate()
    six = today - relativedelta(months=6)
    Placement.objects.filter(pk=placement.pk).update(start_date=six - datetime.timedelta(days=30), end_date=six)
    assert selectors.request_reentry(again) == Placement.objects.get(pk=placement.pk)  # exactly six months: still
    Placement.objects.filter(pk=placement.pk).update(end_date=six - datetime.timedelta(days=1))
    assert selectors.request_reentry(again) is None  # longer ago: a new episode
    other = make_request(referrer, submit=True, youth=youth_data(bsn=next_bsn()))
    assert selectors.requests_reentry([again, other, earlier]) == {}


@pytest.mark.django_db
def test_a_transfer_is_not_a_re_entry_and_counts_per_youth_across_requests(referrer, coordinator):
    bsn = next_bsn()
    first, placement = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn), needs_new_place=True)
    transfer_request = Transfer.objects.get(from_placement=placement).new_request
    assert transfer_request.kind == Kind.TRANSFER and selectors.request_reentry(transfer_request) is None
    again, second = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn), needs_new_place=True)
    assert again.youth_id == first.youth_id and selectors.request_reentry(again) == placement
    counts = selectors.youth_care_counts(first.youth_id)
    assert counts == {"placements": 2, "transfers": 2, "provider_changes": 1, "reentries": 1}
    assert selectors.youth_care_counts(first.youth_id, request_ids=[first.pk]) == {
        "placements": 1,
        "transfers": 0,
        "provider_changes": 0,
        "reentries": 0,
    }


@pytest.mark.django_db
def test_the_transfers_report_counts_a_returning_childs_transfers_for_one_youth(referrer, coordinator):
    """The per-youth figures of the transfers report (placement_transfer.youth_id) count
    across requests now that the returning child has one youth record: two transfers, one
    youth, and that youth has two or more."""
    from reporting.reports import transfers as transfers_report
    from reporting.reports.common import scope_from_params

    bsn = next_bsn()
    placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn), needs_new_place=True)
    placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn), needs_new_place=True)
    today = timezone.localdate().isoformat()
    scope = scope_from_params(coordinator_membership(coordinator), {"from": today, "to": today})
    summary = {str(row["figure"]): row["value"] for row in transfers_report.build(scope)[0].rows}
    assert summary["Doorplaatsingen"] == 2
    assert summary["Jeugdigen doorgeplaatst"] == 1
    assert summary["Jeugdigen met twee of meer doorplaatsingen"] == 1


@pytest.mark.django_db
def test_api_youth_shows_the_requests_counts_and_timeline_without_identity(api, referrer, coordinator):
    bsn = next_bsn()
    earlier, placement = placed_and_ended(referrer, coordinator, youth=youth_data(bsn=bsn, family_name="Zichtbaar"))
    again = make_request(referrer, submit=True, youth=youth_data(bsn=bsn))
    response = api.as_user(coordinator).get(f"/api/v1/youth/{earlier.youth_id}")
    assert response.status_code == 200
    body = response.json()
    assert [(r["request"]["id"], r["reentry"]) for r in body["requests"]] == [(earlier.pk, False), (again.pk, True)]
    assert body["counts"] == {"placements": 1, "transfers": 0, "provider_changes": 0, "reentries": 1}
    assert {e["request"] for e in body["timeline"]} == {earlier.pk, again.pk} and body["elsewhere"] == []
    assert "Zichtbaar" not in response.content.decode() and bsn not in response.content.decode()
    row = AccessLogEntry.objects.filter(user=coordinator, subject_id=earlier.youth_id).order_by("-chain_seq").first()
    assert row.details["view"] == "youth"
