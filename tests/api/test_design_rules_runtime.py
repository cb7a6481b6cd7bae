"""Issue 14.3 (api-core): the NL API Design Rules at runtime: `API-Version` on every
answer, lowerCamelCase query parameters with the snake_case names of 1.0 as deprecated
aliases (Deprecation/Warning headers, `deprecated: true` in the schema), `Location` on
201, `Link` headers for pagination, and invalid `page`/`pageSize` refused with 400."""

import re

import pytest
from django.conf import settings

from accounts.models import Role
from core.api_runtime import QUERY_ALIASES, SNAKE_TO_CAMEL
from tests.capacity.factories import FacilityFactory, care_type, provider_org

VERSION = settings.SPECTACULAR_SETTINGS["VERSION"]


@pytest.fixture
def facilities(twente):
    horst = provider_org(name="Horst")
    made = [FacilityFactory(provider=horst, name=f"Groep {n}", regions_served=[twente]) for n in range(5)]
    made.append(
        FacilityFactory(
            provider=horst,
            name="Gesloten",
            regions_served=[twente],
            care_type=care_type("kwv-gesloten"),
            security_level="closed",
        )
    )
    return made


def _names(response):
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


def _problem_names(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return [p["name"] for p in response.json()["invalid_params"]]


# --- API-Version --------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_version_is_semver_and_on_every_answer(api, coordinator, client):
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION)
    anonymous = [
        api.get("/api/v1/me"),  # 401
        api.get("/api/v1/nothing"),  # 404
        api.post("/api/v1/auth/token", {}, format="json"),  # 422
        api.generic("POST", "/api/v1/auth/token", "{", content_type="application/json"),  # 400
        api.options("/api/v1/regions", HTTP_ORIGIN="https://x.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"),
        client.get("/api/v1/openapi.json"),
    ]
    api.as_user(coordinator)
    answers = [*anonymous, api.get("/api/v1/regions"), api.delete("/api/v1/regions"), api.get("/api/v1/facilities")]
    assert {r.status_code for r in answers} >= {200, 400, 401, 404, 405, 422}
    assert [r["API-Version"] for r in answers] == [VERSION] * len(answers)
    assert "API-Version" not in client.get("/login/")  # only the API


# --- lowerCamelCase query parameters and their deprecated aliases ---------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "camel, snake, value, expected",
    [
        ("careType", "care_type", "kwv-gesloten", ["Gesloten"]),
        ("securityLevel", "security_level", "closed", ["Gesloten"]),
        ("hasFree", "has_free", "false", []),
    ],
)
def test_camel_case_filters_work_and_snake_case_aliases_still_do_with_a_deprecation(
    api, coordinator, facilities, camel, snake, value, expected
):
    api.as_user(coordinator)
    new = api.get("/api/v1/facilities", {camel: value})
    assert _names(new) == expected
    assert "Deprecation" not in new and "Warning" not in new
    old = api.get("/api/v1/facilities", {snake: value})
    assert _names(old) == expected
    assert old["Deprecation"].startswith("@")
    assert old["Warning"] == f'299 - "Verouderde queryparameter {snake}: gebruik {camel}"'


@pytest.mark.django_db
def test_the_camel_case_name_wins_over_its_alias(api, coordinator, facilities):
    response = api.as_user(coordinator).get("/api/v1/facilities", {"careType": "kwv-gesloten", "care_type": "onzin"})
    assert _names(response) == ["Gesloten"]
    assert response["Deprecation"]


@pytest.mark.django_db
def test_a_bad_value_is_named_as_the_client_sent_it(api, coordinator, facilities):
    api.as_user(coordinator)
    assert _problem_names(api.get("/api/v1/facilities", {"careType": "onbekend"}), 400) == ["careType"]
    assert _problem_names(api.get("/api/v1/facilities", {"care_type": "onbekend"}), 400) == ["care_type"]
    assert _problem_names(api.get("/api/v1/contracts", {"fundingForm": "x"}), 400) == ["fundingForm"]
    assert _problem_names(api.get("/api/v1/contracts", {"activeOn": "gisteren"}), 400) == ["activeOn"]


@pytest.mark.django_db
def test_contracts_take_camel_case_too(api, contract_manager):
    api.as_user(contract_manager)
    assert api.get("/api/v1/contracts", {"fundingForm": "taakgericht", "activeOn": "2025-01-01"}).status_code == 200


@pytest.mark.django_db
def test_the_schema_names_camel_case_parameters_with_deprecated_aliases(client):
    schema = client.get("/api/v1/openapi.json").json()
    facilities = {p["name"]: p for p in schema["paths"]["/facilities"]["get"]["parameters"]}
    for camel in ("careType", "securityLevel", "hasFree", "freshOnly", "pageSize"):
        assert not facilities[camel].get("deprecated")
        assert facilities[QUERY_ALIASES[camel]]["deprecated"] is True
        assert camel in facilities[QUERY_ALIASES[camel]]["description"]
    headers = schema["paths"]["/facilities"]["get"]["responses"]["200"]["headers"]
    assert {"API-Version", "Link", "RateLimit-Limit", "Deprecation", "Warning"} <= set(headers)
    assert schema["components"]["headers"]["API-Version"]["example"] == VERSION
    created = schema["paths"]["/requests"]["post"]["responses"]["201"]["headers"]
    assert "Location" in created
    assert any(p["name"] == "Accept-Language" for p in schema["paths"]["/me"]["get"]["parameters"])


@pytest.mark.django_db
def test_every_query_parameter_in_the_schema_is_lower_camel_case_or_a_deprecated_alias(client):
    """The inventory (core.api_runtime.QUERY_ALIASES) is complete: a new snake_case query
    parameter fails here until it has a camelCase name."""
    schema = client.get("/api/v1/openapi.json").json()
    seen = set()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                name = parameter["name"]
                seen.add(name)
                if parameter.get("deprecated"):
                    assert name in SNAKE_TO_CAMEL, (path, method, name)
                else:
                    assert re.fullmatch(r"[a-z][a-zA-Z0-9]*", name), (path, method, name)
    assert {"careType", "pageSize", "care_type", "page_size"} <= seen


# --- Location on 201 ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_created_request_has_its_location(api, referrer):
    from tests.placement.test_api import create_body

    response = api.as_user(referrer).post("/api/v1/requests", create_body(), format="json")
    assert response.status_code == 201, response.content
    assert response["Location"] == f"http://testserver/api/v1/requests/{response.json()['id']}"
    assert api.get(response["Location"]).json()["id"] == response.json()["id"]


@pytest.mark.django_db
def test_a_created_facility_and_document_have_their_location(api, make_member, referrer, private_media):
    from tests.capacity.test_api import _new_facility
    from tests.placement.factories import make_request, pdf_upload

    horst = provider_org(name="Horst")
    response = api.as_user(make_member(Role.ADMIN)).post("/api/v1/facilities", _new_facility(horst), format="json")
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(f"/api/v1/facilities/{response.json()['id']}")

    placement_request = make_request(referrer)
    response = api.as_user(referrer).post(
        f"/api/v1/requests/{placement_request.pk}/documents",
        {"kind": "other", "file": pdf_upload()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response["Location"].endswith(f"/api/v1/requests/{placement_request.pk}/documents/{response.json()['id']}")


# --- pagination: Link headers, checked page and pageSize -----------------------------------


def _links(response) -> dict:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>;\s*rel="(\w+)"', response["Link"])
    }  # RFC 8288: <url>; rel="..."


@pytest.mark.django_db
def test_paginated_lists_send_link_headers_next_to_the_body(api, coordinator, facilities):
    api.as_user(coordinator)
    first = api.get("/api/v1/facilities", {"pageSize": 2})
    links = _links(first)
    assert set(links) == {"first", "next", "last"}
    assert links["next"] == first.json()["next"]
    assert "page=3" in links["last"] and "pageSize=2" in links["last"]
    middle = api.get(links["next"])
    assert set(_links(middle)) == {"first", "prev", "next", "last"}
    last = api.get(links["last"])
    assert set(_links(last)) == {"first", "prev", "last"}
    assert len(last.json()["results"]) == 2 and last.json()["next"] is None


@pytest.mark.django_db
def test_the_requests_list_sends_link_headers_too(api, coordinator):
    response = api.as_user(coordinator).get("/api/v1/requests")
    assert response.status_code == 200
    assert set(_links(response)) == {"first", "last"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, name",
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "٣"}, "page"),  # an Arabic-Indic digit: no ASCII number
        ({"page": "99"}, "page"),  # after the last page
        ({"pageSize": "abc"}, "pageSize"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "-1"}, "pageSize"),
        ({"pageSize": "501"}, "pageSize"),
        ({"page_size": "abc"}, "page_size"),  # the deprecated alias: named as sent
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/facilities", "/api/v1/requests", "/api/v1/offers", "/api/v1/contracts"])
def test_invalid_page_or_page_size_is_400_naming_it(api, make_member, twente, facilities, path, query, name):
    user = make_member(Role.COORDINATOR if path != "/api/v1/contracts" else Role.CONTRACT_MANAGER, regions=[twente])
    response = api.as_user(user).get(path, query)
    assert _problem_names(response, 400) == [name]
    assert response.json()["status"] == 400


@pytest.mark.django_db
def test_valid_page_and_page_size_at_their_limits_are_read(api, coordinator, facilities):
    api.as_user(coordinator)
    assert len(api.get("/api/v1/facilities", {"pageSize": 500}).json()["results"]) == 6
    assert len(api.get("/api/v1/facilities", {"pageSize": 5, "page": 2}).json()["results"]) == 1
    assert len(api.get("/api/v1/facilities", {"pageSize": 5, "page": "last"}).json()["results"]) == 1
    assert api.get("/api/v1/requests", {"page": 1}).status_code == 200  # an empty list has page 1
