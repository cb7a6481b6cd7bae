"""Inzage (AVG art. 15): the administrator finds one youth by BSN or request number and
downloads everything held about them plus who read it; the download is access-logged."""

import csv
import io
import json
import zipfile

import pytest
from django.utils import timezone

from accounts.models import Role
from core.models import AccessLogEntry
from intake import selectors as intake_selectors
from placement import services as placement_services
from tests.accounts.factories import member
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(referrer, coordinator):
    """A request triaged, declined by one provider, accepted and placed by another, and
    read by the coordinator."""
    placement_request = in_matching(referrer, coordinator)
    declining = fitting_facility()
    staff = member(Role.PROVIDER, organisation=declining.provider)
    offer = offer_to(placement_request, declining, coordinator)
    placement_services.offer_decline(
        offer=offer,
        reason="group_composition",
        motivation="Groep is te onrustig",
        by=staff,
        membership=provider_membership(staff),
    )
    accepting = fitting_facility()
    staff2 = member(Role.PROVIDER, organisation=accepting.provider)
    offer2 = offer_to(placement_request, accepting, coordinator)
    placement_services.offer_accept(offer=offer2, by=staff2, membership=provider_membership(staff2))
    placement_request.refresh_from_db()
    placement_services.placement_start(
        placement_request=placement_request,
        start_date=timezone.localdate(
            placement_request.status_changed_at
        ),  # the day in Amsterdam, as the service counts
        by=coordinator,
        membership=coordinator_membership(coordinator),
        school="Het Stedelijk Lyceum",
    )
    intake_selectors.request_get(membership=coordinator_membership(coordinator), pk=placement_request.pk)
    placement_request.refresh_from_db()
    return placement_request


def _archive(response) -> dict:
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_administrator_finds_a_youth_by_bsn_or_request_number(client, admin_user, dossier):
    client.force_login(admin_user)
    youth = dossier.youth
    response = client.post("/administration/privacy/", {"bsn": youth.bsn, "reference": ""})
    assert response.status_code == 302 and response["Location"] == f"/administration/privacy/youth/{youth.pk}/"
    response = client.post("/administration/privacy/", {"bsn": "", "reference": dossier.reference})
    assert response["Location"] == f"/administration/privacy/youth/{youth.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and youth.family_name in page.content.decode()
    entry = AccessLogEntry.objects.filter(user=admin_user).get()
    assert (entry.subject_id, entry.purpose, entry.role) == (youth.pk, "inzage", Role.ADMIN)


def test_find_form_bad_input_gets_a_message_next_to_the_field(client, admin_user, dossier):
    client.force_login(admin_user)
    response = client.post("/administration/privacy/", {"bsn": "123456789", "reference": ""})
    assert response.status_code == 422 and 'id="id_bsn-error"' in response.content.decode()
    assert "elfproef" in response.content.decode()
    response = client.post("/administration/privacy/", {"bsn": "", "reference": ""})
    html = response.content.decode()
    assert response.status_code == 422 and 'id="id_bsn-error"' in html and 'id="id_reference-error"' in html
    response = client.post("/administration/privacy/", {"bsn": "", "reference": "abc"})
    assert response.status_code == 422 and 'id="id_reference-error"' in response.content.decode()
    response = client.post("/administration/privacy/", {"bsn": "", "reference": "PV-999999"})
    assert response.status_code == 404 and "Geen jeugdige gevonden." in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=admin_user).exists()  # nothing was shown


def test_inzage_holds_all_data_and_who_read_it_and_is_itself_logged(client, admin_user, coordinator, dossier):
    client.force_login(admin_user)
    youth = dossier.youth
    response = client.get(f"/administration/privacy/youth/{youth.pk}/inzage")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith(f'attachment; filename="inzage-jeugdige-{youth.pk}-')
    assert youth.family_name not in response["Content-Disposition"]
    files = _archive(response)
    assert set(files) == {"LEESMIJ.txt", "inzage.json", "inzagelog.csv", "gebeurtenissen.csv"}
    data = json.loads(files["inzage.json"])
    assert data["youth"][0]["family_name"] == youth.family_name and data["youth"][0]["bsn"] == youth.bsn
    assert data["youth"][0]["guardians"][0]["phone"] == "06-41234567"
    (request_data,) = data["requests"]
    assert request_data["reference"] == dossier.reference
    assert request_data["analyses"][0]["care_types"] == ["behandelgroep", "kwv-open"]
    assert request_data["analyses"][0]["intensity"] == "M"
    assert [t["decision"] for t in request_data["triage_decisions"]] == ["matching"]
    declined = next(o for o in request_data["offers"] if o["status"] == "declined")
    assert (declined["decline_reason"], declined["motivation"]) == ("group_composition", "Groep is te onrustig")
    assert request_data["placement"]["school"] == "Het Stedelijk Lyceum"
    assert [d["kind"] for d in request_data["documents"]] == ["zorgvraag"]
    event_types = {e["event_type"] for e in data["events"]}
    assert {"request_created", "request_triaged", "offer_declined", "placement_started"} <= event_types
    # Who read it: the coordinator (triage), the accepting provider (care), and this export.
    readers = {(r["username"], r["purpose"]) for r in data["access_log"]}
    assert (coordinator.username, "triage") in readers
    assert (admin_user.username, "inzage") in readers
    coordinator_row = next(r for r in data["access_log"] if r["username"] == coordinator.username)
    assert (
        coordinator_row["role"] == "coordinator" and coordinator_row["organisation"] and coordinator_row["accessed_at"]
    )
    rows = list(csv.DictReader(io.StringIO(files["inzagelog.csv"]), delimiter=";"))
    assert {"accessed_at", "user", "role", "organisation", "purpose"} <= set(rows[0])
    assert coordinator.username in {r["username"] for r in rows}
    # The download itself is in the access log.
    export = AccessLogEntry.objects.filter(user=admin_user, details__view="inzage_export").get()
    assert (export.subject_id, export.purpose) == (youth.pk, "inzage")


def test_only_administrators_see_the_privacy_pages(client, dossier, coordinator, referrer, twente):
    youth = dossier.youth
    urls = [
        ("get", "/administration/privacy/"),
        ("get", f"/administration/privacy/youth/{youth.pk}/"),
        ("get", f"/administration/privacy/youth/{youth.pk}/inzage"),
        ("post", f"/administration/privacy/youth/{youth.pk}/erase"),
    ]
    others = [coordinator, referrer, member(Role.PROVIDER), member(Role.CONTRACT_MANAGER, regions=[twente])]
    others.append(member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente]))
    for user in others:
        client.force_login(user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == 403, (user, url)
    client.logout()
    assert client.get(urls[2][1]).status_code == 302  # to the login page
    assert not AccessLogEntry.objects.filter(purpose="inzage").exists()


def test_unknown_youth_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/administration/privacy/youth/999999/").status_code == 404
    assert client.get("/administration/privacy/youth/999999/inzage").status_code == 404


def test_csv_cells_cannot_run_as_formulas():
    from privacy.selectors import _csv

    rows = list(
        csv.reader(io.StringIO(_csv([{"purpose": "=HYPERLINK(1)", "user": "@x", "n": "plain"}])), delimiter=";")
    )
    assert rows == [["purpose", "user", "n"], ["'=HYPERLINK(1)", "'@x", "plain"]]


def test_inzage_by_bsn_covers_every_record_of_the_person(client, admin_user, referrer, dossier):
    from tests.placement.factories import make_request, youth_data

    # Referred again by another organisation: a second record (the same organisation's new
    # request would join the first record, issue 11 point 3).
    again = make_request(member(Role.REFERRER), youth=youth_data(bsn=dossier.youth.bsn))
    client.force_login(admin_user)
    files = _archive(client.get(f"/administration/privacy/youth/{dossier.youth_id}/inzage"))
    data = json.loads(files["inzage.json"])
    assert [y["id"] for y in data["youth"]] == [dossier.youth_id, again.youth_id]
    assert {r["reference"] for r in data["requests"]} == {dossier.reference, again.reference}
    page = client.get(f"/administration/privacy/youth/{dossier.youth_id}/").content.decode()
    assert again.reference in page and dossier.reference in page


def test_inzage_queries_do_not_grow_with_the_requests(admin_user, referrer, coordinator, dossier):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.selectors import membership_with_role
    from privacy import selectors
    from tests.placement.factories import make_request, youth_data

    membership = membership_with_role(admin_user, Role.ADMIN)
    with CaptureQueriesContext(connection) as one:
        selectors.inzage_archive(membership=membership, youth_id=dossier.youth_id)
    for _ in range(3):  # the same person referred three more times, with documents and analyses
        make_request(referrer, submit=True, youth=youth_data(bsn=dossier.youth.bsn))
    with CaptureQueriesContext(connection) as four:
        selectors.inzage_archive(membership=membership, youth_id=dossier.youth_id)
    # The same queries for one record with one request as for four records with four requests.
    assert len(four) <= len(one), (len(one), len(four))
