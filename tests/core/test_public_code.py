"""What a public-sector buyer checks first (issue 13, prod, point 8): publiccode.yml holds
the keys the publiccode.yml standard 0.4 requires, with allowed values; the licence it
names is the LICENCE file; SECURITY.md and CHANGELOG.md say what they must."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]

# publiccode.yml 0.4: the mandatory keys and the values the standard allows.
REQUIRED = ["publiccodeYmlVersion", "name", "url", "platforms", "developmentStatus", "softwareType", "description"]
DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPE = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
MAINTENANCE_TYPE = {"internal", "contract", "community", "none"}


@pytest.fixture(scope="module")
def publiccode():
    return yaml.safe_load((BASE_DIR / "publiccode.yml").read_text())


def test_publiccode_has_the_mandatory_keys_with_allowed_values(publiccode):
    assert [key for key in REQUIRED if key not in publiccode] == []
    assert publiccode["publiccodeYmlVersion"] == "0.4"
    assert re.fullmatch(r"https://\S+", publiccode["url"])
    assert publiccode["platforms"] and all(isinstance(p, str) for p in publiccode["platforms"])
    assert publiccode["developmentStatus"] in DEVELOPMENT_STATUS
    assert publiccode["softwareType"] in SOFTWARE_TYPE
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", publiccode["releaseDate"])


def test_publiccode_describes_the_product_in_every_language_it_offers(publiccode):
    languages = [code for code, _name in settings.LANGUAGES]
    assert publiccode["localisation"]["localisationReady"] is True
    assert publiccode["localisation"]["availableLanguages"] == languages
    assert set(publiccode["description"]) == set(languages)
    for language, description in publiccode["description"].items():
        assert 0 < len(description["shortDescription"]) <= 150, language  # the standard's limits
        assert 150 <= len(description["longDescription"]) <= 10000, language
        assert description["features"], language


def test_publiccode_names_the_licence_and_who_maintains_it(publiccode):
    assert publiccode["legal"]["license"] == "EUPL-1.2"
    maintenance = publiccode["maintenance"]
    assert maintenance["type"] in MAINTENANCE_TYPE
    if maintenance["type"] in ("internal", "community"):
        assert maintenance["contacts"] and all(contact["name"] for contact in maintenance["contacts"])
    if maintenance["type"] == "contract":
        assert maintenance["contractors"]


def test_licence_is_the_eupl_1_2_text():
    licence = (BASE_DIR / "LICENCE").read_text()
    assert licence.startswith("# EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert len(re.findall(r"^## \d+\. ", licence, re.MULTILINE)) == 15  # articles 1 to 15
    assert "## Appendix" in licence and "Compatible Licences" in licence


def test_security_policy_and_changelog_say_what_they_must():
    security = (BASE_DIR / "SECURITY.md").read_text()
    assert re.search(r"[\w.-]+@[\w.-]+\.\w+", security)  # where to report
    for heading in ("## Reporting a vulnerability", "## Supported versions", "## In scope", "## Out of scope"):
        assert heading in security
    changelog = (BASE_DIR / "CHANGELOG.md").read_text()
    assert "Keep a Changelog" in changelog and "## [Unreleased]" in changelog
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.MULTILINE)
    assert versions and versions == sorted(versions, key=lambda v: tuple(map(int, v[0].split("."))), reverse=True)
    for version, _date in versions:  # every version has its compare link
        assert re.search(rf"^\[{re.escape(version)}\]: https://", changelog, re.MULTILINE), version
