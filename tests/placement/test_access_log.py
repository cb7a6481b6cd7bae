"""The NEN 7513 access log on the request pages and API: source address and action on
every row, and refused reads logged as `denied` (core.access_log, AccessLogMiddleware)."""

import pytest
from django.test import RequestFactory

from accounts.models import Role
from core.access_log import Purpose, access_log_record, source_address_of
from core.models import AccessLogEntry
from tests.placement.factories import make_request


def _last(**filters):
    return AccessLogEntry.objects.filter(**filters).order_by("-chain_seq").first()


@pytest.mark.django_db
def test_page_reads_record_address_and_action(client, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    document = placement_request.documents.get()
    client.force_login(coordinator)
    assert client.get(f"/requests/{placement_request.pk}/", REMOTE_ADDR="203.0.113.7").status_code == 200
    entry = _last(user=coordinator)
    assert (entry.action, entry.outcome, entry.source_address, entry.purpose) == (
        "view",
        "allowed",
        "203.0.113.7",
        Purpose.TRIAGE,
    )
    assert (entry.subject_type, entry.subject_id) == ("placement.youth", placement_request.youth_id)
    url = f"/requests/{placement_request.pk}/documents/{document.pk}/"
    assert client.get(url, REMOTE_ADDR="2001:db8::5").status_code == 200
    entry = _last(user=coordinator)
    assert (entry.action, entry.source_address, entry.details["document"]) == ("download", "2001:db8::5", document.pk)


@pytest.mark.django_db
def test_api_reads_record_address_and_action(api, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    document = placement_request.documents.get()
    api.as_user(coordinator)
    assert api.get(f"/api/v1/requests/{placement_request.pk}", REMOTE_ADDR="198.51.100.4").status_code == 200
    entry = _last(user=coordinator)
    assert (entry.action, entry.outcome, entry.source_address) == ("view", "allowed", "198.51.100.4")
    url = f"/api/v1/requests/{placement_request.pk}/documents/{document.pk}"
    assert api.get(url, REMOTE_ADDR="198.51.100.5").status_code == 200
    entry = _last(user=coordinator)
    assert (entry.action, entry.source_address, entry.purpose) == ("download", "198.51.100.5", "document_download")


@pytest.mark.django_db
def test_a_read_without_a_request_records_no_address(referrer, coordinator):
    from accounts.selectors import membership_with_role

    placement_request = make_request(referrer, submit=True)
    entry = access_log_record(
        user=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
        subject=placement_request.youth,
        purpose=Purpose.TRIAGE,
    )
    entry.refresh_from_db()
    assert entry.source_address is None and entry.action == "view"


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
    settings.ACCESS_LOG_TRUSTED_PROXIES = []
    assert source_address_of(spoofed) == "203.0.113.7"
    settings.ACCESS_LOG_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert source_address_of(spoofed) == "203.0.113.7"  # not from the proxy: header ignored
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert source_address_of(proxied) == "203.0.113.9"
    # A client that sends its own header through the proxy: the hop the proxy saw counts.
    chained = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9, 10.0.0.5")
    assert source_address_of(chained) == "203.0.113.9"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>, 203.0.113.9")
    assert source_address_of(garbage) == "10.0.0.2"
    assert source_address_of(factory.get("/", REMOTE_ADDR="")) is None


@pytest.mark.django_db
def test_an_outsiders_404_on_a_youths_request_and_document_is_logged_as_denied(client, api, referrer, make_member):
    placement_request = make_request(referrer, submit=True)
    document = placement_request.documents.get()
    outsider = make_member(Role.REFERRER)
    client.force_login(outsider)
    pages = [f"/requests/{placement_request.pk}/", f"/requests/{placement_request.pk}/documents/{document.pk}/"]
    for url in pages:
        assert client.get(url, REMOTE_ADDR="192.0.2.44").status_code == 404
    api.as_user(outsider)
    calls = [
        f"/api/v1/requests/{placement_request.pk}",
        f"/api/v1/requests/{placement_request.pk}/documents/{document.pk}",
    ]
    for url in calls:
        assert api.get(url, REMOTE_ADDR="192.0.2.45").status_code == 404
    denied = list(AccessLogEntry.objects.filter(user=outsider).order_by("chain_seq"))
    assert [e.details["route"] for e in denied] == [
        "placement:request-detail",
        "placement:document-download",
        "api-request",
        "api-request-document",
    ]
    for entry in denied:
        assert (entry.action, entry.outcome, entry.purpose) == ("denied", "refused", Purpose.ACCESS_ATTEMPT)
        assert (entry.subject_type, entry.subject_id) == ("placement.youth", placement_request.youth_id)
        assert entry.details["status"] == 404 and entry.details["pk"] == placement_request.pk
        assert (entry.role, entry.organisation_id) == ("referrer", outsider.memberships.get().organisation_id)
    assert denied[1].details["document_id"] == document.pk and denied[3].source_address == "192.0.2.45"
    assert denied[0].source_address == "192.0.2.44"


@pytest.mark.django_db
def test_a_wrong_roles_403_and_an_unknown_request_are_logged_too(client, referrer, make_member):
    placement_request = make_request(referrer, submit=True)
    provider = make_member(Role.PROVIDER)
    client.force_login(provider)
    assert client.get(f"/requests/{placement_request.pk}/").status_code == 403
    forbidden = AccessLogEntry.objects.get(user=provider)
    assert (forbidden.action, forbidden.details["status"], forbidden.subject_id, forbidden.role) == (
        "denied",
        403,
        placement_request.youth_id,
        "",  # no membership in a role that may read requests
    )
    outsider = make_member(Role.REFERRER)
    client.force_login(outsider)
    assert client.get("/requests/999999999/").status_code == 404
    unknown = AccessLogEntry.objects.get(user=outsider)
    assert (unknown.subject_type, unknown.subject_id) == ("placement.placementrequest", 999999999)


@pytest.mark.django_db
def test_pages_that_are_no_identity_reads_log_nothing(client, referrer, make_member):
    outsider = make_member(Role.REFERRER)
    client.force_login(outsider)
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/coordinator/").status_code == 403
    client.logout()
    make_request(referrer, submit=True)
    assert not AccessLogEntry.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_a_providers_refused_offer_document_is_logged_as_denied(client, referrer, coordinator, make_member):
    from tests.accounts.factories import member
    from tests.placement.factories import fitting_facility, in_matching, offer_to

    placement_request = in_matching(referrer, coordinator)
    document = placement_request.documents.get()
    placement_request.documents.update(shareable=True)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    client.force_login(staff)  # before acceptance: the file does not open
    url = f"/provider/offers/{offer.pk}/documents/{document.pk}/"
    assert client.get(url, REMOTE_ADDR="192.0.2.80").status_code == 404
    other_provider = make_member(Role.PROVIDER)
    client.force_login(other_provider)  # another provider: not even the offer
    assert client.get(url).status_code == 404
    for user in (staff, other_provider):
        entry = AccessLogEntry.objects.get(user=user)
        assert (entry.action, entry.details["route"], entry.details["document_id"]) == (
            "denied",
            "placement:provider-offer-document",
            document.pk,
        )
        assert (entry.subject_type, entry.subject_id, entry.role) == (
            "placement.youth",
            placement_request.youth_id,
            "provider",
        )
    assert AccessLogEntry.objects.get(user=staff).source_address == "192.0.2.80"
