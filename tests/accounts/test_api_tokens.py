"""API tokens: hashed, expiring, revocable, one per client, revoked by a new password, and
for a user with two-factor authentication only with a code."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticToken
from knox.crypto import hash_token

from accounts import two_factor
from accounts.models import ApiToken
from tests.accounts.two_factor import confirmed_device, totp_code, wrong_code

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token"


def ask(api, user, password, **extra):
    return api.post(TOKEN_URL, {"username": user.username, "password": password, **extra}, format="json")


def me(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    status = api.get("/api/v1/me").status_code
    api.credentials()
    return status


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return response.json()


def test_only_a_hash_is_stored_and_the_token_expires(api, referrer, password):
    before = timezone.now()
    response = ask(api, referrer, password)
    assert response.status_code == 200
    body = response.json()
    stored = ApiToken.objects.get(user=referrer)
    assert body["token"] not in (stored.digest, stored.token_key) and stored.digest == hash_token(body["token"])
    assert body["client"] == "default" == stored.client
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert ttl == timedelta(hours=8)
    assert before + ttl <= stored.expiry <= timezone.now() + ttl
    assert body["expiry"] == stored.expiry.astimezone(timezone.get_current_timezone()).isoformat()
    assert me(api, body["token"]) == 200


def test_an_expired_token_is_refused(api, referrer, password):
    token = ask(api, referrer, password).json()["token"]
    ApiToken.objects.filter(user=referrer).update(expiry=timezone.now() - timedelta(seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    problem(api.get("/api/v1/me"), 401)
    assert not ApiToken.objects.filter(user=referrer).exists()  # and cleared away


def test_delete_revokes_the_presenting_token_only(api, referrer, password):
    first = ask(api, referrer, password, client="laptop").json()["token"]
    second = ask(api, referrer, password, client="script").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    response = api.delete(TOKEN_URL)
    assert response.status_code == 204 and response.content == b""
    assert me(api, first) == 401 and me(api, second) == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    problem(api.delete(TOKEN_URL), 401)  # already revoked


def test_delete_without_a_token_is_401_and_revokes_nothing(api, client, referrer, password):
    token = ask(api, referrer, password).json()["token"]
    problem(api.delete(TOKEN_URL), 401)
    client.force_login(referrer)  # a browser session cannot revoke tokens by accident
    assert client.delete(TOKEN_URL).status_code == 401
    assert me(api, token) == 200


def test_one_token_per_client_a_new_one_replaces_the_old(api, referrer, password):
    old = ask(api, referrer, password, client="planning-tool").json()["token"]
    new = ask(api, referrer, password, client="planning-tool").json()["token"]
    other = ask(api, referrer, password, client="rapportage").json()["token"]
    assert me(api, old) == 401 and me(api, new) == 200 and me(api, other) == 200
    assert sorted(ApiToken.objects.filter(user=referrer).values_list("client", flat=True)) == [
        "planning-tool",
        "rapportage",
    ]


@pytest.mark.parametrize("client_name", ["", "met spatie", "x" * 65, "<script>"])
def test_a_bad_client_name_is_named_and_issues_nothing(api, referrer, password, client_name):
    body = problem(ask(api, referrer, password, client=client_name), 422)
    assert [p["name"] for p in body["invalid_params"]] == ["client"]
    assert not ApiToken.objects.exists()


def test_a_new_password_revokes_every_token(api, referrer, password):
    tokens = [ask(api, referrer, password, client=name).json()["token"] for name in ("a", "b")]
    referrer.set_password("a-new-password-for-today")
    referrer.save()
    assert [me(api, token) for token in tokens] == [401, 401]
    assert not ApiToken.objects.filter(user=referrer).exists()


def test_a_password_reset_revokes_every_token(api, client, referrer, password):
    token = ask(api, referrer, password).json()["token"]
    uid = urlsafe_base64_encode(force_bytes(referrer.pk))
    link = client.get(f"/reset/{uid}/{default_token_generator.make_token(referrer)}/")
    assert link.status_code == 302
    new = "een-heel-nieuw-wachtwoord-42"
    done = client.post(link.url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done.url == "/reset/done/"
    assert me(api, token) == 401
    assert ask(api, referrer, new).status_code == 200


def test_saving_a_user_without_a_new_password_keeps_the_tokens(api, referrer, password):
    token = ask(api, referrer, password).json()["token"]
    referrer.first_name = "Anna"
    referrer.save()
    assert me(api, token) == 200


# -- two-factor users ---------------------------------------------------------------------


def test_a_coordinator_without_a_code_gets_no_token(api, coordinator, password):
    confirmed_device(coordinator)
    for extra in [{}, {"otp_token": ""}, {"otp_token": "   "}]:
        body = problem(ask(api, coordinator, password, **extra), 422)
        assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [("otp_token", "otp_required")]
    assert not ApiToken.objects.exists()


def test_a_coordinator_without_an_app_gets_no_token_either(api, coordinator, password):
    body = problem(ask(api, coordinator, password, otp_token="123456"), 422)
    assert [(p["name"], p["code"]) for p in body["invalid_params"]] == [("otp_token", "otp_not_set_up")]
    assert "log in op de website" in body["invalid_params"][0]["reason"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("bad", ["garbage", "1234567", "x" * 21, None])
def test_a_wrong_code_is_named_and_issues_nothing(api, coordinator, password, bad):
    device = confirmed_device(coordinator)
    # Issue 14 (api-core): a wrong code is a wrong credential (401); one too long is bad input (422)
    status = 422 if bad == "x" * 21 else 401
    body = problem(ask(api, coordinator, password, otp_token=bad or wrong_code(device)), status)
    assert [p["name"] for p in body["invalid_params"]] == ["otp_token"]
    assert not ApiToken.objects.exists()


def test_a_wrong_password_is_named_before_any_code(api, coordinator):
    device = confirmed_device(coordinator)
    body = problem(ask(api, coordinator, "wrong", otp_token=totp_code(device)), 401)
    assert [p["name"] for p in body["invalid_params"]] == ["password"]


def test_with_the_app_code_or_a_recovery_code_the_token_is_issued(api, coordinator, password):
    device = confirmed_device(coordinator)
    code = totp_code(device)
    token = ask(api, coordinator, password, otp_token=code).json()["token"]
    assert me(api, token) == 200
    problem(ask(api, coordinator, password, otp_token=code), 401)  # a used code does not work twice
    recovery = two_factor.recovery_codes_replace(coordinator)[0]
    assert ask(api, coordinator, password, otp_token=recovery, client="other").status_code == 200
    assert not StaticToken.objects.filter(token=recovery).exists()


def test_a_referrer_needs_no_code(api, referrer, password):
    assert ask(api, referrer, password).status_code == 200


def test_the_schema_documents_issue_and_revoke(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/auth/token"]  # relative to `servers` (…/api/v1)
    assert set(operations) >= {"post", "delete"}
    assert "204" in operations["delete"]["responses"]
    request_schema = schema["components"]["schemas"]["TokenRequest"]
    assert set(request_schema["properties"]) == {"username", "password", "otp_token", "client"}
    assert set(request_schema["required"]) == {"username", "password"}
    assert set(schema["components"]["schemas"]["Token"]["properties"]) == {"token", "expiry", "client"}
