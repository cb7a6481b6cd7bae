"""Content-Security-Policy on every answer (issue 10, point 7): no inline script or style,
no framing, forms post only to this site."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: set(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/login/", "/api/v1/openapi.json", "/api/v1/me", "/bestaat-niet/"])
def test_every_answer_carries_a_strict_policy(client, path):
    policy = _policy(client.get(path))
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["form-action"] == {"'self'"}
    assert not any("unsafe" in value for values in policy.values() for value in values)


def test_api_docs_allow_inline_style_but_no_inline_script(client):
    """Swagger UI styles its elements inline; its page carries no personal data."""
    policy = _policy(client.get("/api/v1/docs"))
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}


def test_api_docs_load_their_start_script_as_a_file(client):
    page = client.get("/api/v1/docs").content.decode()
    assert not re.search(r"<script>\s*\S", page), "inline script would be blocked by the CSP"
    script = re.search(r'<script src="([^"]*script[^"]*)"', page).group(1).replace("&amp;", "&")
    response = client.get(script)
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()


def _templates():
    roots = [
        Path(settings.BASE_DIR) / name
        for name in ("templates", "accounts", "capacity", "intake", "placement", "reporting", "core")
    ]
    for root in roots:
        yield from root.rglob("*.html")


def test_no_template_has_inline_script_style_or_handlers():
    offenders = []
    for template in _templates():
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"<style\b|\sstyle=\"", text):
            offenders.append(f"{template}: inline style")
        if re.search(r"\son[a-z]+=\"", text) or "hx-on" in text:
            offenders.append(f"{template}: inline event handler")
    assert offenders == []


def test_htmx_does_not_inject_its_indicator_style(client):
    assert '"includeIndicatorStyles": false' in client.get("/login/").content.decode()
