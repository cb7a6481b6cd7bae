"""Two-factor authentication in the browser, per role: a coordinator must set up an
authenticator app after the password and give its code on every later login; a wrong code
is explained; a referrer whose organisation does not ask for it goes straight through."""

import base64
import re
import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.models import Role
from tests.accounts.factories import PASSWORD, member, region
from tests.accounts.two_factor import totp_code, totp_code_for_key, wrong_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    twente = region("JZ14")
    return {
        "coordinator": member(Role.COORDINATOR, regions=[twente], username="coordinator"),
        "provider": member(Role.PROVIDER, username="provider"),
        "referrer": member(Role.REFERRER, username="verwijzer"),
    }


def test_coordinator_sets_up_the_app_then_logs_in_with_a_code(page, live_server, people, login, logout, axe_violations):
    coordinator = people["coordinator"]
    login("coordinator", PASSWORD, second_factor=False)
    expect(page).to_have_url(re.compile(r"/login/setup/\?next=%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    assert axe_violations() == []
    # the board is not reachable with the password alone
    page.goto(f"{live_server.url}/coordinator/capacity/")
    expect(page).to_have_url(re.compile(r"/login/setup/\?next=%2Fcoordinator%2Fcapacity%2F$"))

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret).hex()
    right = totp_code_for_key(key)
    page.get_by_label("Code uit de app").fill(f"{(int(right) + 1) % 1000000:06d}")
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("alert")).to_contain_text("Deze code klopt niet")
    expect(page.get_by_label("Code uit de app")).to_have_attribute("aria-invalid", "true")
    assert not TOTPDevice.objects.filter(user=coordinator).exists()

    page.get_by_label("Code uit de app").fill(totp_code_for_key(key))
    page.get_by_role("button", name="Bevestigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert axe_violations() == []
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page).to_have_url(re.compile(r"/coordinator/capacity/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    logout()

    # next time: the password, then the code from the app
    device = TOTPDevice.objects.get(user=coordinator, confirmed=True)
    login("coordinator", PASSWORD, second_factor=False)
    expect(page).to_have_url(re.compile(r"/login/verify/\?next=%2F$"))
    assert axe_violations() == []
    page.get_by_label("Code", exact=True).fill(wrong_code(device))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("Deze code klopt niet")
    page.goto(f"{live_server.url}/coordinator/")
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    time.sleep(1.5)  # after a wrong code django-otp lets the next try wait a second
    page.get_by_label("Code", exact=True).fill(totp_code(device))
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/coordinator/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Werkvoorraad plaatsingscoördinatie")
    page.goto(f"{live_server.url}/coordinator/capacity/")
    expect(page).to_have_url(re.compile(r"/coordinator/capacity/$"))


def test_a_provider_must_too_and_a_referrer_goes_straight_through(page, live_server, people, login, logout):
    login("provider", PASSWORD, second_factor=False)
    expect(page).to_have_url(re.compile(r"/login/setup/"))
    page.goto(f"{live_server.url}/provider/")
    expect(page).to_have_url(re.compile(r"/login/setup/"))
    logout()
    login("verwijzer", PASSWORD, second_factor=False)
    expect(page).to_have_url(re.compile(r"/referrer/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn plaatsingsverzoeken")
