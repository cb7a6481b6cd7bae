"""Organisation login in the browser (issue 13 point 5): from the login page through a real
OpenID provider's login form and consent page back into the product, on a 390 px phone;
axe-core finds nothing serious on the choice page and the refusal page."""

import pytest
from playwright.sync_api import expect

from accounts.models import OidcConfiguration, Organisation, Role
from tests.accounts.factories import OrganisationFactory, member
from tests.oidc.idp import CLIENT_ID, CLIENT_SECRET, IDP_PASSWORD, start_provider, stop_provider

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def browser_idp(live_server, tmp_path):
    proc, issuer = start_provider(tmp_path / "provider.log", callback=f"{live_server.url}/oidc/callback/")
    yield issuer
    stop_provider(proc)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.e2e
def test_a_member_logs_in_through_the_organisation_in_the_browser(page, live_server, browser_idp, axe_violations):
    horst = OrganisationFactory(name="Wijkteam De Horst", kind=Organisation.Kind.REFERRER)
    member(Role.REFERRER, organisation=horst, email="anna@horst.example")
    OidcConfiguration.objects.create(
        organisation=horst,
        issuer=browser_idp,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        email_domains=["horst.example"],
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Inloggen via uw organisatie").click()
    expect(page.get_by_role("heading", name="Inloggen via uw organisatie")).to_be_visible()
    assert axe_violations() == [] and fits_the_phone(page)
    page.get_by_role("button", name="Verder naar uw organisatie").click()  # nothing chosen
    expect(page.get_by_text("Kies uw organisatie of vul uw e-mailadres in.")).to_be_visible()
    assert axe_violations() == [] and fits_the_phone(page)
    page.get_by_label("Organisatie", exact=True).select_option(label="Wijkteam De Horst")
    page.get_by_role("button", name="Verder naar uw organisatie").click()
    # the organisation's own login service: its login form, then its consent page
    page.get_by_label("Login").fill("anna")
    page.get_by_label("Wachtwoord").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Toestaan").click()
    page.wait_for_url(f"{live_server.url}/referrer/**")
    expect(page.get_by_role("heading", name="Mijn plaatsingsverzoeken")).to_be_visible()
    # someone without an account here is sent back with a clear page
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login/")
    page.context.clear_cookies()  # also the provider's session with Anna
    page.goto(f"{live_server.url}/login/organisation/")
    page.get_by_label("Of: uw e-mailadres bij uw organisatie").fill("onbekend@horst.example")
    page.get_by_role("button", name="Verder naar uw organisatie").click()
    page.get_by_label("Login").fill("onbekend")
    page.get_by_label("Wachtwoord").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Toestaan").click()
    expect(page.get_by_role("heading", name="Inloggen via uw organisatie is niet gelukt")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("geen actief account")
    assert axe_violations() == [] and fits_the_phone(page)
