"""Screens: the wizard (drafts saved, what is missing), my requests, the coordinator's
queue and request page, the role matrix for pages, escaping of free text."""

import pytest

from accounts.models import Organisation, Role
from core.models import AccessLogEntry
from intake.models import PlacementRequest, Status
from tests.placement.factories import make_request, pdf_upload, youth_data


def youth_post(**overrides):
    data = {
        "given_names": "Lotte",
        "family_name": "de Boer",
        "birth_date": "2010-05-06",
        "gender": "female",
        "bsn": "",
        "address": "Kerkstraat 3",
        "postcode": "7500AA",
        "city": "Enschede",
        "municipality": "",
        "legal_status": "none",
        "machtiging_end_date": "",
        "school": "",
        "urgency": "regular",
        "guardian_1_name": "Anja de Boer",
        "guardian_1_relationship": "moeder",
        "guardian_1_authority": "on",
        "guardian_2_name": "",
        "guardian_2_relationship": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def enschede(twente):
    from accounts.models import Municipality

    return Municipality.objects.get(code="GM0153")


@pytest.mark.django_db
def test_wizard_saves_a_draft_and_says_what_is_missing(client, referrer, enschede, private_media):
    client.force_login(referrer)
    response = client.post("/referrer/requests/new/", youth_post(municipality=enschede.name), follow=True)
    placement_request = PlacementRequest.objects.get()
    assert response.redirect_chain[-1][0] == f"/referrer/requests/{placement_request.pk}/analysis/"
    assert placement_request.status == Status.DRAFT and placement_request.youth.guardians.get().has_authority
    review = client.get(f"/referrer/requests/{placement_request.pk}/review/").content.decode()
    for text in (
        "De verklarende analyse ontbreekt.",
        "Het behoefteprofiel ontbreekt.",
        "Het perspectiefplan ontbreekt.",
        "Het eerste veiligheidsplan ontbreekt.",
        "Het zorgvraagdossier (PDF) ontbreekt.",
    ):
        assert text in review
    # Submitting anyway keeps it a draft and says so.
    response = client.post(f"/requests/{placement_request.pk}/submit/", follow=True)
    assert "nog niet compleet" in response.content.decode()
    assert PlacementRequest.objects.get().status == Status.DRAFT


@pytest.mark.django_db
def test_wizard_steps_fill_the_request_and_submit(client, referrer, enschede, private_media):
    client.force_login(referrer)
    client.post("/referrer/requests/new/", youth_post(municipality=enschede.name))
    pk = PlacementRequest.objects.get().pk
    base = f"/referrer/requests/{pk}"
    r = client.post(
        f"{base}/analysis/",
        {
            "presenting_problems": "a",
            "origins": "b",
            "maintaining_factors": "c",
            "protective_factors": "d",
            "hypotheses": "e",
            "goals": "f",
            "written_by": "GZ",
            "made_with_family": "on",
        },
    )
    assert r.status_code == 302 and r["Location"].endswith("/need/")
    r = client.post(f"{base}/need/", {"care_types": ["gezinshuis"], "intensity": "M", "security": "open"})
    assert r.status_code == 302
    r = client.post(
        f"{base}/plans/",
        {
            "perspective-goal": "Rust",
            "perspective-expected_duration_months": "12",
            "perspective-return_perspective": "home",
            "safety-risks": "Weglopen",
            "safety-agreements": "Bellen",
        },
    )
    assert r.status_code == 302
    r = client.post(f"{base}/documents/", {"file": pdf_upload(), "kind": "zorgvraag", "title": "Dossier"})
    assert r.status_code == 302
    r = client.post(
        f"{base}/wishes/",
        {
            "wishes_youth": "Bij mijn hond",
            "wishes_parents": "Dichtbij",
            "alt_1_form": "ambulant",
            "alt_1_description": "MST",
            "alt_1_why_insufficient": "Te licht",
        },
    )
    assert r.status_code == 302
    review = client.get(f"{base}/review/").content.decode()
    assert "Alle verplichte onderdelen zijn aanwezig" in review
    r = client.post(f"/requests/{pk}/submit/")
    assert r.status_code == 302
    placement_request = PlacementRequest.objects.get()
    assert placement_request.status == Status.SUBMITTED and placement_request.analysis.version == 2
    assert placement_request.alternatives.get().form == "ambulant"
    # A submitted request cannot be changed in the wizard any more.
    r = client.get(f"{base}/youth/")
    assert r.status_code == 302 and r["Location"] == f"/requests/{pk}/"


@pytest.mark.django_db
def test_wizard_errors_are_next_to_the_fields(client, referrer, enschede):
    client.force_login(referrer)
    response = client.post(
        "/referrer/requests/new/", youth_post(municipality=enschede.name, bsn="123456789", birth_date="2999-01-01")
    )
    html = response.content.decode()
    assert response.status_code == 200 and not PlacementRequest.objects.exists()
    assert 'id="id_bsn-error"' in html and 'aria-describedby="id_bsn-error"' in html and 'aria-invalid="true"' in html
    assert "elfproef" in html and "De geboortedatum ligt in de toekomst." in html
    placement_request = make_request(referrer, complete=False)
    response = client.post(
        f"/referrer/requests/{placement_request.pk}/need/", {"care_types": ["gezinshuis"], "security": "closed"}
    )
    assert "Gesloten jeugdzorg kan alleen met een geldige machtiging" in response.content.decode()
    assert placement_request.analysis_versions.count() == 0


@pytest.mark.django_db
def test_upload_of_a_non_pdf_in_the_wizard_is_refused(client, referrer, private_media):
    placement_request = make_request(referrer, complete=False)
    client.force_login(referrer)
    response = client.post(
        f"/referrer/requests/{placement_request.pk}/documents/",
        {"file": pdf_upload("x.pdf", b"GIF89a not a pdf"), "kind": "zorgvraag"},
    )
    assert "Alleen PDF-bestanden zijn toegestaan." in response.content.decode()
    assert not placement_request.documents.exists()


@pytest.mark.django_db
def test_my_requests_and_queue_show_status_and_log_the_reads(client, referrer, coordinator):
    draft = make_request(referrer, complete=False)
    submitted = make_request(referrer, submit=True)
    client.force_login(referrer)
    html = client.get("/referrer/").content.decode()
    assert draft.reference in html and submitted.reference in html and "Concept" in html and "Ingediend" in html
    assert AccessLogEntry.objects.filter(user=referrer, purpose="own_request").count() == 2
    client.force_login(coordinator)
    html = client.get("/coordinator/").content.decode()
    assert submitted.reference in html and draft.reference not in html  # drafts are the referrer's own
    assert "triage nodig" in html


@pytest.mark.django_db
def test_coordinator_triages_on_the_request_page_with_double_registration_flag(
    client, make_member, referrer, coordinator, coordinator_drenthe
):
    first = make_request(referrer, submit=True, youth=youth_data(bsn="111222333"))
    other = make_request(make_member(Role.REFERRER), submit=True, youth=youth_data("GM0106", bsn="111222333"))
    drenthe_point = coordinator_drenthe.memberships.get().organisation
    Organisation.objects.filter(pk=drenthe_point.pk).update(email="regie@drenthe.example.org", phone="0592 123 456")
    client.force_login(coordinator)
    page = client.get(f"/requests/{first.pk}/")
    html = page.content.decode()
    # Drenthe is not the coordinator's region: only that a duplicate exists there, and whom to ask.
    assert "Mogelijke dubbele registratie" in html
    assert "Er is mogelijk een dubbele registratie in regio Drenthe." in html
    assert drenthe_point.name in html and "regie@drenthe.example.org" in html and "0592 123 456" in html
    assert other.reference not in html and f"/requests/{other.pk}/" not in html
    assert other.referrer_organisation.name not in html
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert (entry.user, entry.subject_id, entry.purpose) == (coordinator, first.youth_id, "triage")
    response = client.post(f"/requests/{first.pk}/triage/", {"decision": "return", "reason": ""})
    assert response.status_code == 422 and "Geef aan waarom" in response.content.decode()
    response = client.post(f"/requests/{first.pk}/triage/", {"decision": "matching"})
    assert response.status_code == 302
    assert PlacementRequest.objects.get(pk=first.pk).status == Status.MATCHING


@pytest.mark.django_db
def test_free_text_with_html_is_shown_escaped(client, referrer, coordinator):
    script = '<script>alert("xss")</script>'
    placement_request = make_request(referrer, submit=True, youth=youth_data(given_names=script))
    PlacementRequest.objects.filter(pk=placement_request.pk).update(wishes_youth=script)
    for user in (referrer, coordinator):
        client.force_login(user)
        for url in (f"/requests/{placement_request.pk}/", "/referrer/" if user == referrer else "/coordinator/"):
            html = client.get(url).content.decode()
            assert script not in html
            assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_pages_role_matrix(client, make_member, referrer, coordinator, coordinator_drenthe, twente):
    placement_request = make_request(referrer, submit=True)
    document = placement_request.documents.get()
    pk = placement_request.pk
    pages = [f"/requests/{pk}/", f"/requests/{pk}/documents/{document.pk}/"]
    provider = make_member(Role.PROVIDER)
    for url in pages:
        client.force_login(provider)
        assert client.get(url).status_code == 403
    # Outsiders: 404 on someone else's request where their role may act at all, 403
    # where it may not; nothing is read or changed.
    for outsider, withdraw, triage in (
        (make_member(Role.REFERRER), 404, 403),
        (coordinator_drenthe, 403, 404),
        (make_member(Role.BEHAVIOURAL_SCIENTIST, regions=[twente]), 403, 403),
    ):
        client.force_login(outsider)
        before = AccessLogEntry.objects.filter(outcome="allowed").count()
        for url in pages:
            assert client.get(url).status_code == 404, (outsider, url)
        assert client.post(f"/requests/{pk}/withdraw/").status_code == withdraw, outsider
        assert client.post(f"/requests/{pk}/triage/", {"decision": "matching"}).status_code == triage, outsider
        assert AccessLogEntry.objects.filter(outcome="allowed").count() == before  # nothing read
        # ... and both refused reads are in the access log (NEN 7513), on the youth.
        denied = AccessLogEntry.objects.filter(user=outsider, action="denied")
        assert sorted(denied.values_list("details__route", flat=True)) == [
            "placement:document-download",
            "placement:request-detail",
        ]
        assert {(e.subject_type, e.subject_id) for e in denied} == {("placement.youth", placement_request.youth_id)}
    assert PlacementRequest.objects.get(pk=pk).status == Status.SUBMITTED
    client.force_login(coordinator_drenthe)
    assert client.post(f"/requests/{pk}/triage/", {"decision": "matching"}).status_code == 404
    other_referrer = make_member(Role.REFERRER)
    client.force_login(other_referrer)
    assert client.get(f"/referrer/requests/{pk}/youth/").status_code == 404
    client.force_login(referrer)
    response = client.get(f"/requests/{pk}/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AccessLogEntry.objects.order_by("-id").first().purpose == "document_download"


@pytest.mark.django_db
def test_referrer_withdraws_on_the_request_page(client, referrer):
    placement_request = make_request(referrer, submit=True)
    client.force_login(referrer)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Verzoek intrekken" in page and "Tijdlijn" in page and "Ingediend bij de regio" in page
    confirm = client.post(f"/requests/{placement_request.pk}/withdraw/", {"reason": "Opgelost"})
    assert confirm.status_code == 200 and "Weet u het zeker?" in confirm.content.decode()
    placement_request.refresh_from_db()
    assert placement_request.status == "submitted"  # not before the confirmation
    client.post(f"/requests/{placement_request.pk}/withdraw/", {"reason": "Opgelost", "confirmed": "1"})
    placement_request.refresh_from_db()
    assert (placement_request.status, placement_request.outcome) == ("closed", "withdrawn")
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Ingetrokken" in page and "Verzoek intrekken</button>" not in page


@pytest.mark.django_db
def test_coordinator_marks_a_document_shareable_with_htmx(client, referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    document = placement_request.documents.get()
    client.force_login(coordinator)
    response = client.post(
        f"/requests/{placement_request.pk}/documents/{document.pk}/shareable/",
        {"shareable": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and f'id="document-{document.pk}"' in response.content.decode()
    document.refresh_from_db()
    assert document.shareable
    client.force_login(referrer)
    assert (
        client.post(
            f"/requests/{placement_request.pk}/documents/{document.pk}/shareable/", {"shareable": "0"}
        ).status_code
        == 403
    )
    document.refresh_from_db()
    assert document.shareable


@pytest.mark.django_db
def test_admin_lists_requests_read_only_without_the_bsn(client, make_member, referrer):
    placement_request = make_request(referrer, submit=True, youth=youth_data(bsn="111222333"))
    admin_user = make_member(Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    listing = client.get("/admin/placement/placementrequest/")
    assert listing.status_code == 200 and placement_request.reference in listing.content.decode()
    page = client.get(f"/admin/placement/placementrequest/{placement_request.pk}/change/").content.decode()
    assert "111222333" not in page
    assert client.get("/admin/placement/placementrequest/add/").status_code == 403


@pytest.mark.django_db
def test_every_youth_on_the_coordinators_queue_is_access_logged(client, make_member, referrer, coordinator):
    """NEN 7513: the queue shows names, so each read writes a row per youth shown (who,
    in which role and organisation, about whom, why); youth not shown are not logged."""
    from accounts.selectors import membership_with_role
    from tests.placement.factories import in_matching

    submitted = make_request(referrer, submit=True)
    matching = in_matching(referrer, coordinator)
    draft = make_request(referrer)
    elsewhere = make_request(make_member(Role.REFERRER), submit=True, municipality_code="GM0106")  # Drenthe
    organisation = membership_with_role(coordinator, Role.COORDINATOR).organisation

    def logged_by(action):
        before = set(AccessLogEntry.objects.values_list("pk", flat=True))
        result = action()
        rows = AccessLogEntry.objects.exclude(pk__in=before)
        return result, sorted(
            (e.user_id, e.role, e.organisation_id, e.subject_type, e.subject_id, e.purpose, e.details.get("view"))
            for e in rows
        )

    def row(placement_request, view):
        return (
            coordinator.pk,
            Role.COORDINATOR,
            organisation.pk,
            "placement.youth",
            placement_request.youth_id,
            "triage",
            view,
        )

    client.force_login(coordinator)
    for _ in range(2):  # every read, not only the first
        response, rows = logged_by(lambda: client.get("/coordinator/"))
        html = response.content.decode()
        assert submitted.youth.full_name in html and matching.youth.full_name in html
        assert draft.youth.family_name not in html and elsewhere.youth.family_name not in html
        assert rows == sorted([row(submitted, "queue"), row(matching, "queue")])


@pytest.mark.django_db
def test_double_registration_in_a_region_the_coordinator_covers_is_shown_in_detail(
    client, make_member, twente, drenthe
):
    both = make_member(Role.COORDINATOR, regions=[twente, drenthe])
    first = make_request(make_member(Role.REFERRER), submit=True, youth=youth_data(bsn="111222333"))
    other = make_request(make_member(Role.REFERRER), submit=True, youth=youth_data("GM0106", bsn="111222333"))
    client.force_login(both)
    html = client.get(f"/requests/{first.pk}/").content.decode()
    assert "Mogelijke dubbele registratie" in html
    assert other.reference in html and f"/requests/{other.pk}/" in html
    assert other.referrer_organisation.name in html
    assert "Er is mogelijk een dubbele registratie in regio" not in html
