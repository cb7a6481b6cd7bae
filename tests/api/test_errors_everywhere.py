"""Issue 14.1 (api-core): no 5xx for any input to any operation, and every error under
/api/ is problem+json (unknown paths, 405, 413, 500, 503), in the language the client asks
for with Accept-Language (Dutch by default), whatever the session's language cookie."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from accounts.models import Role
from core.api_runtime import MAX_QUERY_VALUE_LENGTH

PROBLEM = "application/problem+json"


def assert_problem(response, status=None, *, name=None):
    assert response.status_code < 500, (response.status_code, response.content[:500])
    if status is not None:
        assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith(PROBLEM), (response.status_code, response["Content-Type"])
    body = response.json()
    assert body["status"] == response.status_code and body["title"]
    assert response["API-Version"] == settings.SPECTACULAR_SETTINGS["VERSION"]
    if name is not None:
        assert name in [p["name"] for p in body.get("invalid_params", [])], body
    return body


def server_path(schema) -> str:
    """The spec's paths are relative to its server (`.../api/v1`): the path part to put before them."""
    from urllib.parse import urlparse

    return urlparse(schema["servers"][0]["url"]).path.rstrip("/")


def assert_no_5xx(response):
    assert response.status_code < 500, (response.status_code, response.content[:500])
    assert response["API-Version"]
    if response.status_code >= 400:
        assert_problem(response)


# --- reports at the calendar's edges (were OverflowError / DataError) --------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/reports/transfers?to=0001-01-01", "to"),
        ("/api/v1/reports/transfers?to=9999-12-31", "to"),
        ("/api/v1/reports/occupancy?to=0001-12-31", "to"),
        ("/api/v1/reports/occupancy?from=0001-01-01", "from"),
        ("/api/v1/reports/unmet-need?from=9999-12-31&to=9999-12-31", "from"),
        ("/api/v1/reports/waiting-times?to=2024-02-30", "to"),
        ("/api/v1/reports/refusals?threshold=99999999999999999999", "threshold"),
    ],
)
def test_report_periods_at_the_calendars_edges_are_400_naming_the_parameter(api, coordinator, path, name):
    assert_problem(api.as_user(coordinator).get(path), 400, name=name)


# --- every operation, every path parameter ------------------------------------------------


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern.pattern, RoutePattern):
            yield prefix + str(pattern.pattern)


API_ROUTES = sorted(
    {
        "/" + route
        for route in _routes(get_resolver().url_patterns)
        if route.startswith("api/v1/") and "<" in route  # the parameterised ones
    }
)
ODD_VALUES = {
    "int": ["99999999999999999999999", "2147483648"],
    "str": ["99999999999999999999999", "x" * 3000, "é-%FF", "-1"],
}


def _filled(route, value_of):
    return re.sub(r"<(\w+):\w+>", lambda m: value_of(m.group(1)), route)


@pytest.fixture
def admin(make_member):
    return make_member(Role.ADMIN)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "admin", "provider_user"])
def test_no_path_parameter_of_any_operation_gives_a_5xx(api, request, role):
    assert API_ROUTES, "no parameterised API routes found"
    client = api.as_user(request.getfixturevalue(role))
    for route in API_ROUTES:
        kinds = re.findall(r"<(\w+):\w+>", route)
        for index in range(max(len(ODD_VALUES[kind]) for kind in kinds)):
            path = _filled(route, lambda kind, i=index: ODD_VALUES[kind][i % len(ODD_VALUES[kind])])
            for method in ("get", "post", "put", "patch", "delete"):
                response = getattr(client, method)(path, {}, format="json") if method != "get" else client.get(path)
                assert response.status_code < 500, (method, path[:200], response.status_code, response.content[:300])
                assert_no_5xx(response)


# --- every query parameter of every list in the schema --------------------------------------

ODD_QUERY_VALUES = [
    "99999999999999999999",
    "-1",
    "0",
    "0001-01-01",
    "9999-12-31",
    "x" * MAX_QUERY_VALUE_LENGTH,
    "é",
    " ",
    "true",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "admin", "contract_manager"])
def test_no_query_parameter_of_any_list_gives_a_5xx(api, client, request, role):
    schema = client.get("/api/v1/openapi.json").json()
    api.as_user(request.getfixturevalue(role))
    tried = 0
    base = server_path(schema)
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in ODD_QUERY_VALUES:
                response = api.get(base + path, {parameter["name"]: value})
                assert response.status_code < 500, (path, parameter["name"], value[:50], response.content[:300])
                assert_no_5xx(response)
                tried += 1
    assert tried > 100  # the sweep really ran over the lists' parameters


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, name, code",
    [
        ("careType=%00", "careType", "nul_byte"),
        ("q=ab%00cd", "q", "nul_byte"),
        ("%00=1", "?", "nul_byte"),
        ("q=%FF%FE", "q", "not_utf8"),
        ("care%FFtype=1", "care\ufffdtype", "not_utf8"),
        (f"q={'x' * (MAX_QUERY_VALUE_LENGTH + 1)}", "q", "too_long"),
        (f"{'y' * 101}=1", "y" * 100, "too_long"),
    ],
)
def test_unreadable_query_strings_are_400_naming_the_parameter(api, coordinator, query, name, code):
    response = api.as_user(coordinator).get("/api/v1/facilities", QUERY_STRING=query)
    body = assert_problem(response, 400, name=name)
    assert [p["code"] for p in body["invalid_params"]] == [code]


@pytest.mark.django_db
def test_a_value_of_the_longest_length_is_still_read(api, coordinator):
    response = api.as_user(coordinator).get("/api/v1/facilities", {"q": "x" * MAX_QUERY_VALUE_LENGTH})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/requests/1%00", "/api/v1/facilities/%00", "/api/v1/regions/JZ14%00/bands"])
def test_a_nul_byte_in_the_path_is_404(api, coordinator, path):
    assert_problem(api.as_user(coordinator).get(path), 404)


# --- every kind of error is problem+json ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/requests/abc", "/api/v1/requests/1/nothing", "/api/"])
def test_unknown_paths_are_problem_json_404(api, coordinator, path):
    assert_problem(api.as_user(coordinator).get(path), 404)
    api.credentials()
    assert_problem(api.get(path), 404)


@pytest.mark.django_db
def test_a_method_the_operation_does_not_have_is_405_with_allow(api, coordinator):
    response = api.as_user(coordinator).delete("/api/v1/regions")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_an_oversized_json_body_is_413(api, coordinator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.as_user(coordinator).post("/api/v1/requests", {"note": "x" * 2000}, format="json")
    assert_problem(response, 413)


@pytest.mark.django_db
def test_an_oversized_upload_is_413(api, referrer, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    from tests.placement.factories import make_request

    placement_request = make_request(referrer)
    response = api.as_user(referrer).post(
        f"/api/v1/requests/{placement_request.pk}/documents",
        {"kind": "other", "file": ("big.pdf", b"%PDF-1.4\n" + b"x" * 5000)},
        format="multipart",
    )
    assert_problem(response, 413)


@pytest.mark.django_db
def test_form_fields_over_the_limit_inside_a_multipart_body_are_413(api, referrer, settings):
    """RequestDataTooBig raised while the body is read (not seen in Content-Length)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    from tests.placement.factories import make_request

    placement_request = make_request(referrer)
    response = api.as_user(referrer).post(
        f"/api/v1/requests/{placement_request.pk}/documents", {"kind": "other", "title": "t" * 500}, format="multipart"
    )
    assert_problem(response, 413)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.api.urls_failing")
@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_a_500_problem_json_even_in_debug(client, debug, settings):
    settings.DEBUG = debug
    client.raise_request_exception = False
    response = client.get("/api/v1/bug", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response["API-Version"] == settings.SPECTACULAR_SETTINGS["VERSION"]
    body = response.json()
    assert body["status"] == 500 and body["title"] == "Internal error"
    assert "RuntimeError" not in response.content.decode() and "Traceback" not in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.api.urls_failing")
def test_the_database_unreachable_is_a_503_problem_json_in_the_clients_language(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/database-gone", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and response["Retry-After"]
    assert response["Content-Type"] == PROBLEM and response["API-Version"]
    assert response.json()["title"] == "Service temporarily unavailable"


# --- language ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "accept, title",
    [
        (None, "Niet gevonden"),
        ("en", "Not found"),
        ("en-GB,en;q=0.9", "Not found"),
        ("fr-FR, en;q=0.5", "Not found"),
        ("nl-NL", "Niet gevonden"),
        ("de, fr", "Niet gevonden"),
        ("*", "Niet gevonden"),
        ("x" * 2000, "Niet gevonden"),
    ],
)
def test_errors_follow_accept_language_dutch_by_default(api, coordinator, accept, title):
    headers = {} if accept is None else {"HTTP_ACCEPT_LANGUAGE": accept}
    response = api.as_user(coordinator).get("/api/v1/requests/999999999", **headers)
    body = assert_problem(response, 404)
    assert body["title"] == title
    assert response["Content-Language"] == ("en" if title == "Not found" else "nl")
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_field_errors_are_in_english_on_request(api, coordinator):
    response = api.as_user(coordinator).get(
        "/api/v1/reports/transfers", {"to": "0001-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    body = assert_problem(response, 400, name="to")
    assert body["title"] == "Bad request"
    assert "Kies" not in body["invalid_params"][0]["reason"]


@pytest.mark.django_db
def test_the_session_language_cookie_does_not_change_the_api_language(client, coordinator):
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Page not found" in client.get("/bestaat-niet/").content.decode()  # the pages: English
    assert client.get("/api/v1/requests/999999999").json()["title"] == "Niet gevonden"  # the API: Dutch
    english = client.get("/api/v1/requests/999999999", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Not found"
