"""API conventions: problem+json for every error, token auth, lockout."""

import pytest

from accounts.models import Role
from accounts.tokens import token_issue

TOKEN_URL = "/api/v1/auth/token"


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"]
    return body


@pytest.mark.django_db
def test_token_for_right_password_authenticates_later_requests(api, referrer, password):
    response = api.post(TOKEN_URL, {"username": referrer.username, "password": password}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["username"] == referrer.username
    assert me.json()["memberships"][0]["role"] == "referrer"


@pytest.mark.django_db
def test_wrong_password_is_a_clear_problem(api, referrer):
    # Issue 14 (api-core): wrong credentials are a 401 (Design Rules), still naming the field
    response = api.post(TOKEN_URL, {"username": referrer.username, "password": "nope"}, format="json")
    body = assert_problem(response, 401)
    assert body["invalid_params"][0]["name"] == "password"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_malformed_json_is_400(api):
    body = assert_problem(api.generic("POST", TOKEN_URL, '{"username": "x", ', content_type="application/json"), 400)
    assert "JSON" in body["detail"]


@pytest.mark.django_db
def test_wrong_content_type_is_415(api):
    assert_problem(api.generic("POST", TOKEN_URL, "username=x", content_type="application/x-www-form-urlencoded"), 415)


@pytest.mark.django_db
def test_unknown_fields_are_named(api, referrer, password):
    response = api.post(
        TOKEN_URL, {"username": referrer.username, "password": password, "role": "admin"}, format="json"
    )
    body = assert_problem(response, 422)
    assert [p["name"] for p in body["invalid_params"]] == ["role"]


@pytest.mark.django_db
def test_missing_fields_are_named(api):
    body = assert_problem(api.post(TOKEN_URL, {}, format="json"), 422)
    assert sorted(p["name"] for p in body["invalid_params"]) == ["password", "username"]


@pytest.mark.django_db
def test_missing_token_is_401(api):
    assert_problem(api.get("/api/v1/me"), 401)


@pytest.mark.django_db
def test_invalid_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    assert_problem(api.get("/api/v1/me"), 401)


@pytest.mark.django_db
def test_token_of_a_deactivated_user_is_refused(api, referrer):
    _instance, token = token_issue(user=referrer, client="default")
    referrer.is_active = False
    referrer.save()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert_problem(api.get("/api/v1/me"), 401)


@pytest.mark.django_db
def test_deactivated_user_gets_no_token(api, referrer, password):
    referrer.is_active = False
    referrer.save()
    assert_problem(api.post(TOKEN_URL, {"username": referrer.username, "password": password}, format="json"), 401)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account(api, referrer, password):
    for _ in range(4):
        assert (
            api.post(TOKEN_URL, {"username": referrer.username, "password": "wrong"}, format="json").status_code == 401
        )
    assert_problem(api.post(TOKEN_URL, {"username": referrer.username, "password": "wrong"}, format="json"), 429)
    # Even the right password is refused while locked, in the API and on the login page.
    assert_problem(api.post(TOKEN_URL, {"username": referrer.username, "password": password}, format="json"), 429)
    from django.test import Client

    page = Client().post("/login/", {"username": referrer.username, "password": password})
    assert page.status_code == 429
    assert "tijdelijk geblokkeerd" in page.content.decode()


@pytest.mark.django_db
def test_other_accounts_are_not_locked_by_someone_elses_failures(api, referrer, make_member, password):
    other = make_member(Role.REFERRER)
    for _ in range(6):
        api.post(TOKEN_URL, {"username": referrer.username, "password": "wrong"}, format="json")
    assert api.post(TOKEN_URL, {"username": other.username, "password": password}, format="json").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/requests/1/nothing", "/api/v1/requests/"])
def test_unknown_api_path_is_problem_json_404(api, referrer, path):
    body = assert_problem(api.as_user(referrer).get(path), 404)
    assert body["title"] == "Niet gevonden" and body["type"].startswith("about:blank")
    assert assert_problem(api.post(path, {"x": 1}, format="json"), 404)["status"] == 404
    api.credentials()  # without a token too: an unknown path is unknown to everyone
    assert_problem(api.get(path), 404)


@pytest.mark.django_db
def test_openapi_document_and_docs_page(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/auth/token" in schema["paths"]  # relative to `servers`, which ends in /api/v1
    assert all(not path.endswith("/") for path in schema["paths"])  # no trailing slashes
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


@pytest.mark.django_db
def test_reference_data_api(api, referrer):
    api.as_user(referrer)
    regions = api.get("/api/v1/regions").json()
    assert len(regions) == 42
    twente = api.get("/api/v1/municipalities", {"region": "JZ14"}).json()
    assert len(twente) == 14 and {m["region"] for m in twente} == {"JZ14"}
