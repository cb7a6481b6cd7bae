"""The NL API Design Rules (docs/api/adr-ruleset.yaml) hold for the served OpenAPI
document: Spectral finds no error. And the ruleset bites: a document that breaks a rule
gets that rule's error."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.api.spec import openapi

RULESET = Path(settings.BASE_DIR) / "docs" / "api" / "adr-ruleset.yaml"


def _spectral():
    found = os.environ.get("SPECTRAL_BIN") or shutil.which(
        "spectral", path=str(Path(settings.BASE_DIR) / "node_modules" / ".bin")
    )
    assert found, "Spectral is missing: npm ci installs @stoplight/spectral-cli (package.json)"
    return found


def lint(document, tmp_path):
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document))
    out = tmp_path / "results.json"
    subprocess.run(
        [
            _spectral(),
            "lint",
            "--ruleset",
            str(RULESET),
            "--format",
            "json",
            "--output",
            str(out),
            "--quiet",
            str(path),
        ],
        check=False,
        capture_output=True,
        timeout=300,
    )
    results = json.loads(out.read_text() or "[]")
    return [r for r in results if r["severity"] == 0]  # 0 = error


@pytest.mark.django_db
def test_served_spec_has_no_design_rule_errors(tmp_path):
    errors = lint(openapi(), tmp_path)
    assert errors == [], [(e["code"], ".".join(map(str, e["path"])), e["message"]) for e in errors]


@pytest.mark.django_db
def test_each_broken_rule_is_an_error(tmp_path):
    document = openapi()
    document["servers"] = [{"url": "http://regie.example.org/api"}]  # no https, no /v1
    del document["info"]["contact"]["email"]
    document["info"]["version"] = "1.0"
    me = document["paths"]["/me"]["get"]
    del me["responses"]["200"]["headers"]["API-Version"]
    del me["summary"]
    document["paths"]["/care_types/"] = document["paths"].pop("/care-types")
    requests = document["paths"]["/requests"]["get"]
    requests["parameters"].append({"name": "care_type", "in": "query", "schema": {"type": "string"}})
    del requests["responses"]["400"]
    document["paths"]["/requests"]["post"]["responses"]["422"] = {
        "description": "x",
        "headers": {"API-Version": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"type": "object", "properties": {"title": {"type": "string"}}}}},
    }
    document["paths"]["/offers/{id}"]["get"]["responses"]["404"] = {
        "description": "x",
        "headers": {"API-Version": {"schema": {"type": "string"}}},
        "content": {
            "application/problem+json": {"schema": {"type": "object", "properties": {"title": {"type": "string"}}}}
        },
    }
    codes = {e["code"] for e in lint(document, tmp_path)}
    assert {
        "servers-use-https",
        "include-major-version-in-uri",
        "info-contact-fields-exist",
        "semver",
        "missing-version-header",
        "summary-required",
        "paths-no-trailing-slash",
        "paths-kebab-case",
        "path-segments-kebab-case",
        "query-parameters-lower-camel-case",
        "bad-request-on-parameterised-reads",
        "problem-json-errors",
        "problem-json-fields",
    } <= codes, codes
