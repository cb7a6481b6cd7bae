"""WCAG 2.1 AA checks (axe-core) on the pages every user sees."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_login_and_role_home_pages_have_no_serious_accessibility_violations(
    page, live_server, demo_data, login, logout, axe_violations
):
    page.goto(f"{live_server.url}/login/")
    assert axe_violations() == []
    for username in ["referrer", "coordinator", "provider", "contract_manager", "behavioural_scientist", "admin"]:
        login(username, "demo")
        assert axe_violations() == [], username
        logout()
