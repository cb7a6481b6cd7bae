"""Issue 14 (api-push): a provider manages the organisation's webhooks in the browser:
all errors at once next to their fields, the secret shown once, a test message in the
delivery log; axe-clean and usable at 390 px."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.webhook_models import WebhookSubscription


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.e2e
def test_provider_creates_a_webhook_and_sends_a_test_message(page, live_server, demo_data, login, axe_violations):
    login("provider", "demo")
    page.get_by_role("link", name="Koppelingen").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Koppelingen (webhooks)")
    assert axe_violations() == []

    page.get_by_label("Adres (URL)").fill("http://hooks.example.org/regie")
    page.get_by_role("button", name="Abonnement aanmaken").click()
    expect(page.locator("#id_url-error")).to_contain_text("https://")
    expect(page.locator("#id_event_types-error")).to_contain_text("Kies ten minste één gebeurtenis")
    assert axe_violations() == []
    assert not WebhookSubscription.objects.exists()

    page.get_by_label("Adres (URL)").fill("https://hooks.example.org/regie")
    page.get_by_label("Nieuwe aanmelding").check()
    page.get_by_label("Aanmelding beantwoord (geaccepteerd, afgewezen of verlopen)").check()
    page.get_by_role("button", name="Abonnement aanmaken").click()
    expect(page.get_by_role("heading", name="Abonnement aangemaakt: bewaar het geheim nu")).to_be_visible()
    subscription = WebhookSubscription.objects.get()
    expect(page.get_by_role("textbox", name="Geheim")).to_have_value(subscription.secret)
    assert subscription.event_types == ["offer.created", "offer.answered"]
    assert axe_violations() == []

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="https://hooks.example.org/regie").click()
    page.get_by_role("button", name="Testbericht sturen").click()
    expect(page.get_by_role("status")).to_contain_text("testbericht")
    expect(page.get_by_role("cell", name="webhook.ping")).to_be_visible()
    assert axe_violations() == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the secret is not on the page any more
    assert subscription.secret not in page.content()
