"""The administrator finds a youth by request number, downloads the inzage export and
erases the youth; a coordinator meets a clear message on a bad retention term. Every page
passes axe (WCAG 2.1 AA)."""

import json
import zipfile

import pytest

from accounts.models import Role
from intake.models import Youth
from tests.accounts.factories import member
from tests.privacy.conftest import closed_request, private_media  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_administrator_inzage_and_erasure_journey(
    private_media,  # noqa: F811
    referrer,
    coordinator,
    twente,
    password,
    login,
    logout,
    live_server,
    axe_violations,
):
    placement_request = closed_request(referrer, years=1)
    youth = placement_request.youth
    admin = member(Role.ADMIN)
    page = login(admin.username, password)
    page.get_by_role("link", name="Privacy (AVG)", exact=True).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy (AVG)"
    assert axe_violations() == []
    page.get_by_label("of verzoeknummer").fill("PV-nope")
    page.get_by_role("button", name="Zoeken").click()
    assert "Een verzoeknummer ziet eruit als PV-000123." in page.locator("#id_reference-error").inner_text()
    assert axe_violations() == []
    page.get_by_label("of verzoeknummer").fill(placement_request.reference)
    page.get_by_role("button", name="Zoeken").click()
    assert page.get_by_role("heading", level=1).inner_text() == youth.full_name
    assert axe_violations() == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Inzage downloaden").click()
    with zipfile.ZipFile(download_info.value.path()) as archive:
        data = json.loads(archive.read("inzage.json"))
    assert data["youth"][0]["family_name"] == youth.family_name
    assert any(r["purpose"] == "inzage" for r in data["access_log"])

    page.get_by_role("button", name="Gegevens wissen").click()  # nothing filled in
    assert page.locator("#id_ground-error").is_visible() and page.locator("#id_explanation-error").is_visible()
    assert axe_violations() == []
    page.get_by_label("Grond van het verzoek").select_option("jeugdwet_7_3_9")
    page.get_by_label("Toelichting").fill("Schriftelijk verzoek van de jeugdige, getoetst door de FG.")
    page.get_by_role("button", name="Gegevens wissen").click()
    assert page.get_by_role("heading", level=1).inner_text() == f"Jeugdige {youth.pk}"
    assert "zijn gewist" in page.locator(".messages").inner_text()
    assert Youth.objects.get(pk=youth.pk).bsn == ""
    logout()

    page = login(coordinator.username, password)
    page.get_by_role("link", name="Bewaartermijnen").click()
    assert axe_violations() == []
    page.get_by_role("link", name="Wijzig Twente").click()
    page.get_by_label("inzagelog bewaren (jaren)").fill("3")
    page.get_by_role("button", name="Opslaan").click()
    assert "Kies een waarde van 5 tot en met 30." in page.locator("#id_access_log_years-error").inner_text()
    assert axe_violations() == []
