"""Error pages in the product's style; problem+json under /api/ (issue 10, point 7)."""

import pytest
from django.test import override_settings

from tests.accounts.factories import member

pytestmark = pytest.mark.django_db


def test_unknown_page_is_the_products_dutch_404(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Pagina niet gevonden" in page and 'lang="nl"' in page and "site-header" in page
    assert "Foutcode 404" in page


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/kapot-en-onbekend")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_403_page_for_a_role_without_access(client):
    client.force_login(member("referrer"))
    response = client.get("/administration/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Geen toegang" in page and "site-header" in page and "Foutcode 403" in page


@override_settings(ROOT_URLCONF="tests.core.urls_failing")
def test_500_is_a_page_and_problem_json_under_api(client):
    client.raise_request_exception = False
    page = client.get("/kapot")
    assert page.status_code == 500
    assert "Er ging iets mis" in page.content.decode() and "Traceback" not in page.content.decode()
    api = client.get("/api/v1/kapot")
    assert api.status_code == 500
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 500 and "RuntimeError" not in api.content.decode()


def test_english_error_page_on_request(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Page not found" in client.get("/bestaat-niet/").content.decode()
