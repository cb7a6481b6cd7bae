"""Issue 16.3 (contracting): the "what to contract" page and its method page in a browser:
no serious axe-core violations, and usable at 390 px (nothing wider than the screen)."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_contracting_pages_are_accessible_and_fit_a_phone(page, live_server, demo_data, login, axe_violations):
    login("contract_manager", "demo")
    for path in ("/contract-manager/contracting/", "/contract-manager/contracting/method/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
        assert axe_violations() == [], path
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/contract-manager/contracting/")
    assert page.get_by_role("heading", name="Benodigde plaatsen per behoefteprofiel").count() == 0  # a caption
    assert page.locator("caption", has_text="Benodigde plaatsen per behoefteprofiel").count() == 1
