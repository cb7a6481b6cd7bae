"""What a provider reads about a youth. Before its organisation accepts: nothing that
identifies the youth or the parents (BSN, names, birth date, street, postcode, city,
school, guardians' names, phone and e-mail) on the offer page, the inbox, the offer API
(detail and list), the referral, the notifications or the e-mails. After acceptance: the
identity on that offer's detail only (page and API, access-logged), never in a list."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from core.models import AccessLogEntry, OutboxMessage
from core.outbox import outbox_deliver, outbox_pending_ids
from placement import services
from placement.models import Offer
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)
from tests.placement.identity import as_text, assert_no_identity, identity_found, identity_traces

EVERY_KIND = {
    "bsn",
    "full name",
    "family name",
    "given name",
    "birth date",
    "street",
    "postcode",
    "city",
    "school",
    "guardian name",
    "guardian phone",
    "guardian e-mail",
}


def deliver_outbox():
    """What the worker would do after commit (a django_db test never commits)."""
    for pk in outbox_pending_ids():
        outbox_deliver(pk)


@pytest.fixture
def offered(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    placement_request.documents.update(shareable=True)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    youth = placement_request.youth
    # The test youth carries every kind of identifying data, so each check below has
    # something to find.
    assert {what for what, _pattern in identity_traces(youth)} == EVERY_KIND
    return placement_request, facility, staff, offer


def provider_reads(client, api, staff, offer) -> dict:
    """Everything the provider's staff can open about this offer."""
    deliver_outbox()
    client.force_login(staff)
    api.as_user(staff)
    reads = {
        "offer page": client.get(f"/provider/offers/{offer.pk}/"),
        "inbox": client.get("/provider/offers/"),
        "notifications": client.get("/notifications/"),
        "API offer": api.get(f"/api/v1/offers/{offer.pk}"),
        "API offers": api.get("/api/v1/offers"),
    }
    for where, response in reads.items():
        assert response.status_code == 200, where
        assert offer.pseudonym in as_text(response), where  # the offer is really on it
    return reads


@pytest.mark.django_db
def test_nothing_identifying_reaches_the_provider_before_acceptance(client, api, offered):
    placement_request, _facility, staff, offer = offered
    youth = placement_request.youth
    for where, response in provider_reads(client, api, staff, offer).items():
        assert_no_identity(response, youth, where)
    assert api.get(f"/api/v1/offers/{offer.pk}").json()["identity"] is None
    assert_no_identity(Offer.objects.get(pk=offer.pk).referral, youth, "referral")
    messages = OutboxMessage.objects.filter(recipient=staff)
    assert messages.exists()
    for message in messages:
        assert_no_identity(f"{message.subject}\n{message.body}\n{message.url}", youth, "outbox message")
    to_staff = [m for m in mail.outbox if staff.email in m.to]
    assert to_staff
    for message in to_staff:
        assert_no_identity(f"{message.subject}\n{message.body}", youth, "e-mail")
    assert not AccessLogEntry.objects.filter(user=staff).exists()  # nothing identifying was read


@pytest.mark.django_db
def test_after_acceptance_identity_is_on_the_offer_detail_only(client, api, offered, coordinator):
    placement_request, _facility, staff, offer = offered
    youth = placement_request.youth
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    reads = provider_reads(client, api, staff, offer)
    # The accepted offer's detail discloses the identity, on the page and in the API ...
    assert set(identity_found(reads["offer page"], youth)) == EVERY_KIND
    detail = reads["API offer"].json()
    assert detail["identity"]["bsn"] == youth.bsn and detail["identity"]["family_name"] == youth.family_name
    assert set(identity_found(detail["identity"], youth)) == EVERY_KIND - {"full name"}  # names apart
    # ... and each of those reads is in the access log, for care, about this youth.
    entries = AccessLogEntry.objects.filter(user=staff)
    assert entries.count() == 2
    assert {(e.subject_type, e.subject_id, e.purpose, e.role) for e in entries} == {
        ("placement.youth", youth.pk, "care", Role.PROVIDER)
    }
    # Lists never carry the identity: not the inbox, not the API list.
    assert_no_identity(reads["inbox"], youth, "inbox after acceptance")
    assert_no_identity(reads["notifications"], youth, "notifications after acceptance")
    assert_no_identity(reads["API offers"], youth, "API offers after acceptance")
    assert [row["identity"] for row in reads["API offers"].json()["results"]] == [None]
    listing = api.as_user(coordinator).get("/api/v1/offers")
    assert listing.status_code == 200 and [row["id"] for row in listing.json()["results"]] == [offer.pk]
    assert_no_identity(listing, youth, "coordinator's API offers")
    # Once the placement runs, the inbox lists it, still without the identity.
    services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    client.force_login(staff)
    inbox = client.get("/provider/offers/")
    assert "Lopende plaatsingen (1)" in inbox.content.decode() and offer.pseudonym in inbox.content.decode()
    assert_no_identity(inbox, youth, "inbox with a running placement")
    assert_no_identity(api.as_user(staff).get("/api/v1/offers"), youth, "API offers with a running placement")


@pytest.mark.django_db
def test_a_provider_that_declined_never_sees_whom_another_provider_accepted(client, api, offered, coordinator):
    placement_request, _facility, first_staff, first_offer = offered
    youth = placement_request.youth
    services.offer_decline(
        offer=first_offer,
        reason="no_place",
        motivation="Groep is vol",
        by=first_staff,
        membership=provider_membership(first_staff),
    )
    other = fitting_facility()
    other_staff = member(Role.PROVIDER, organisation=other.provider)
    second_offer = offer_to(placement_request, other, coordinator)
    services.offer_accept(offer=second_offer, by=other_staff, membership=provider_membership(other_staff))
    for where, response in provider_reads(client, api, first_staff, first_offer).items():
        assert_no_identity(response, youth, f"declining provider's {where}")
    assert api.as_user(first_staff).get(f"/api/v1/offers/{second_offer.pk}").status_code == 404
    client.force_login(first_staff)
    assert client.get(f"/provider/offers/{second_offer.pk}/").status_code == 404
    assert not AccessLogEntry.objects.filter(user=first_staff, outcome="allowed").exists()  # nothing read
    # The two refused reads of the other provider's offer are logged (NEN 7513).
    refused = AccessLogEntry.objects.filter(user=first_staff, action="denied")
    assert sorted(refused.values_list("details__route", flat=True)) == ["api-offer", "placement:provider-offer"]
