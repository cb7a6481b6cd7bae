"""A real OpenID provider (npm oidc-provider, tests/oidc/provider.mjs) for the organisation
login tests, and a helper that walks its login form and consent page like a browser."""

import json
import re
import select
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import requests
from django.conf import settings

SCRIPT = Path(__file__).with_name("provider.mjs")
CALLBACK = "http://testserver/oidc/callback/"
CLIENT_ID = "regie-op-plaatsing"
CLIENT_SECRET = "client-secret-for-the-test-provider"
IDP_PASSWORD = "wachtwoord-bij-de-organisatie"
# The provider's accounts: login -> claims and how they logged in (amr).
ACCOUNTS = {
    "anna": {"claims": {"email": "anna@horst.example", "email_verified": True, "name": "Anna"}, "amr": ["pwd"]},
    "bram": {"claims": {"email": "bram@horst.example", "email_verified": True}, "amr": ["pwd", "otp"]},
    "onbekend": {"claims": {"email": "onbekend@horst.example", "email_verified": True}, "amr": ["pwd"]},
    "carla": {"claims": {"email": "carla@esch.example", "email_verified": True}, "amr": ["pwd"]},
    "dirk": {"claims": {"email": "dirk@horst.example", "email_verified": False}, "amr": ["pwd"]},
}


def start_provider(log_path, *, callback=CALLBACK, **extra):
    """Start the provider; returns (process, issuer URL)."""
    config = {
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [callback],
                "token_endpoint_auth_method": "client_secret_post",
            }
        ],
        "accounts": {login: {"password": IDP_PASSWORD, **account} for login, account in ACCOUNTS.items()},
        **extra,
    }
    with open(log_path, "w") as log:  # the process keeps its own copy of the descriptor
        proc = subprocess.Popen(
            ["node", str(SCRIPT), json.dumps(config)],
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    if not ready:
        proc.kill()
        raise RuntimeError("the OpenID provider did not start")
    return proc, json.loads(proc.stdout.readline())["issuer"]


def stop_provider(proc) -> None:
    proc.kill()
    proc.wait()
    proc.stdout.close()


def through_provider(authorization_url: str, login: str, password: str = IDP_PASSWORD) -> str:
    """Follow the provider's redirects, fill its login form and give consent, as a browser
    would; returns the URL it finally sends the browser to (our callback)."""
    session = requests.Session()
    url, method, data = authorization_url, "GET", None
    for _ in range(20):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            if url.startswith("http://testserver/"):
                return url
            continue
        assert response.status_code == 200, response.text
        action = re.search(r'action="([^"]+)"', response.text).group(1)
        url, method = urljoin(url, action), "POST"
        data = {"login": login, "password": password} if action.endswith("/login") else {}
    raise AssertionError("the provider did not send the browser back")


def sso_login(client, configuration, login: str, *, next_url: str = ""):
    """The whole organisation login in the product: start, the provider, the callback.
    Returns (the authorisation request URL, the callback's response)."""
    start = client.get(f"/login/organisation/{configuration.pk}/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content
    back = through_provider(start["Location"], login)
    return start["Location"], client.get(back.removeprefix("http://testserver"))
