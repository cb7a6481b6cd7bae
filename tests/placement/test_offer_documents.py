"""A provider reads the dossier's documents only while its relation with the youth lives:
by kind only (no title, no file) until it accepts, the files from acceptance until the
placement ends, and nothing after a decline, expiry, withdrawal or the end."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from placement import services
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)


@pytest.fixture
def offered(referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    youth = placement_request.youth
    document = placement_request.documents.get()
    # A title as referrers write them: it names the youth.
    placement_request.documents.update(shareable=True, title=f"Zorgvraag {youth.family_name} {youth.bsn}")
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    return placement_request, document, staff, offer


def _download(client, offer, document):
    return client.get(f"/provider/offers/{offer.pk}/documents/{document.pk}/")


@pytest.mark.django_db
def test_before_acceptance_documents_are_named_by_kind_and_cannot_be_opened(client, api, offered):
    placement_request, document, staff, offer = offered
    youth = placement_request.youth
    assert offer.referral["documents"] == [{"id": document.pk, "kind": "zorgvraag"}]
    client.force_login(staff)
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    answer = api.as_user(staff).get(f"/api/v1/offers/{offer.pk}").content.decode()
    for body in (page, answer):
        assert youth.family_name not in body and youth.bsn not in body
    assert "Zorgvraagdossier" in page and "zodra u de aanmelding heeft geaccepteerd" in page
    assert f"/documents/{document.pk}/" not in page
    assert _download(client, offer, document).status_code == 404


@pytest.mark.django_db
def test_from_acceptance_until_the_end_of_the_placement_the_files_open(client, offered, coordinator):
    placement_request, document, staff, offer = offered
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    client.force_login(staff)
    page = client.get(f"/provider/offers/{offer.pk}/").content.decode()
    assert f"/provider/offers/{offer.pk}/documents/{document.pk}/" in page
    assert _download(client, offer, document).status_code == 200
    placement = services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    assert _download(client, offer, document).status_code == 200
    services.placement_end(
        placement=placement,
        end_date=timezone.localdate(),
        reason="01",
        destination="home",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    assert _download(client, offer, document).status_code == 404
    assert f"/documents/{document.pk}/" not in client.get(f"/provider/offers/{offer.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("ending", ["decline", "withdraw", "expire"])
def test_after_a_decline_withdrawal_or_expiry_nothing_opens(client, offered, coordinator, ending):
    _placement_request, document, staff, offer = offered
    if ending == "decline":
        services.offer_decline(
            offer=offer, reason="staffing", motivation="Vol", by=staff, membership=provider_membership(staff)
        )
    elif ending == "withdraw":
        services.offer_withdraw(
            offer=offer, reason="Andere plek", by=coordinator, membership=coordinator_membership(coordinator)
        )
    else:
        services.offer_expire(offer_id=offer.pk, now=offer.deadline + datetime.timedelta(seconds=1))
    offer.refresh_from_db()
    assert offer.status != "open"
    client.force_login(staff)
    assert _download(client, offer, document).status_code == 404


@pytest.mark.django_db
def test_another_provider_gets_404_and_a_referrer_403_for_an_accepted_offers_document(
    client, offered, referrer, make_member
):
    _placement_request, document, staff, offer = offered
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    client.force_login(make_member(Role.PROVIDER))
    assert _download(client, offer, document).status_code == 404
    client.force_login(referrer)
    assert _download(client, offer, document).status_code == 403
