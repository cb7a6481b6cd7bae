"""The OpenAPI document tells the truth (issue 14.2): every operation described, with its
error responses as problem+json, the API-Version header, enums, nullables, the limits the
server enforces, and answers that fit their schemas."""

import copy

import jsonschema
import pytest

from core import schema_operations
from intake.models import Kind, Outcome, Status, Urgency
from placement.models import OfferStatus
from reporting.reports.common import MAX_THRESHOLD_DAYS
from tests.api.spec import openapi, operations, resolve
from tests.placement.factories import make_request

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def to_json_schema(spec, node, seen=()):
    """An OpenAPI 3.0 schema as plain JSON Schema: $refs inlined, `nullable` as null."""
    if isinstance(node, list):
        return [to_json_schema(spec, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        assert name not in seen, f"recursive schema {name}"
        return to_json_schema(spec, resolve(spec, node), (*seen, name))
    out = {key: to_json_schema(spec, value, seen) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def test_servers_contact_and_version():
    spec = openapi()
    assert [s["url"] for s in spec["servers"]] == ["https://regie.example.org/api/v1"]
    assert {"name", "email", "url"} <= set(spec["info"]["contact"])
    assert spec["components"]["headers"]["API-Version"]["schema"]["example"] == spec["info"]["version"]
    problem = spec["components"]["schemas"]["ProblemDetails"]
    assert {"type", "title", "status", "detail", "invalid_params"} <= set(problem["properties"])
    item = problem["properties"]["invalid_params"]["items"]
    assert set(item["properties"]) == {"name", "code", "reason"} and set(item["required"]) == {"name", "code", "reason"}


def test_every_refused_field_carries_a_code_even_when_a_service_check_names_none():
    from core.api_runtime import problem_body

    body = problem_body(
        422,
        "Ongeldig",
        invalid_params=[{"name": "start", "reason": "Te vroeg."}, {"name": "x", "code": "blank", "reason": "Leeg."}],
    )
    assert body["invalid_params"] == [
        {"name": "start", "code": "invalid", "reason": "Te vroeg."},
        {"name": "x", "code": "blank", "reason": "Leeg."},
    ]


def test_every_operation_has_summary_description_and_a_known_text():
    spec = openapi()
    ops = list(operations(spec))
    assert len(ops) >= 45
    undescribed = [op["operationId"] for _p, _m, op in ops if op["operationId"] not in schema_operations.OPERATIONS]
    assert undescribed == [], "describe these in core/schema_operations.py"
    for _path, _method, op in ops:
        assert op.get("summary") and op.get("description"), op["operationId"]


def test_every_response_has_a_schema_and_the_version_header():
    spec = openapi()
    for path, method, op in operations(spec):
        for status, response in op["responses"].items():
            response = resolve(spec, response)
            assert "API-Version" in response.get("headers", {}), (path, method, status)
            if status in ("204", "304"):  # no body: nothing, or not modified
                assert "content" not in response
                continue
            assert response.get("content"), (path, method, status)
            for media, body in response["content"].items():
                assert body.get("schema"), (path, method, status, media)
                if status.startswith(("4", "5")):
                    assert media == PROBLEM
                    assert body["schema"] == {"$ref": "#/components/schemas/ProblemDetails"}


def test_error_statuses_are_derived_from_the_operation():
    spec = openapi()
    for path, method, op in operations(spec):
        statuses = set(op["responses"])
        assert {"429", "503"} <= statuses, op["operationId"]
        if {} not in op.get("security", []):
            assert "401" in statuses, op["operationId"]
        if "{" in path:
            assert "404" in statuses, op["operationId"]
        if "requestBody" in op:
            assert {"400", "413", "415", "422"} <= statuses, op["operationId"]
        if method != "get" and "{" in path:
            assert "409" in statuses, op["operationId"]
    by_id = {op["operationId"]: op for _p, _m, op in operations(spec)}
    assert "403" in by_id["offers_accept_create"]["responses"]  # HasRole(provider)
    assert "403" in by_id["requests_triage_create"]["responses"]  # HasRole(coordinator)
    assert "403" not in by_id["care_types_list"]["responses"]  # any signed-in user
    assert "401" in by_id["auth_token_create"]["responses"]  # wrong credentials (by hand: no token is needed)


def test_coded_fields_are_enums_and_nullables_are_nullable():
    spec = openapi()
    request = spec["components"]["schemas"]["Request"]["properties"]

    def enum(prop):
        prop = prop.get("allOf", [prop])[0] if "allOf" in prop else prop
        if "oneOf" in prop:
            return sorted(v for option in prop["oneOf"] for v in resolve(spec, option)["enum"])
        return sorted(resolve(spec, prop)["enum"])

    assert enum(request["status"]) == sorted(Status.values)
    assert enum(request["kind"]) == sorted(Kind.values)
    assert enum(request["urgency"]) == sorted(Urgency.values)
    assert enum(request["outcome"]) == sorted([*Outcome.values, ""])
    offer = spec["components"]["schemas"]["CoordinatorOffer"]["properties"]
    assert enum(offer["status"]) == sorted(OfferStatus.values)
    assert request["referral_date"]["nullable"] is True
    assert request["submitted_at"]["nullable"] is True
    detail = spec["components"]["schemas"]["RequestDetail"]
    youth = detail["properties"]["youth"]
    youth = resolve(spec, youth["allOf"][0] if "allOf" in youth else youth)  # described: {allOf: [$ref]}
    assert "bsn" in youth["properties"] and "youth" in detail["required"]


def test_enforced_limits_are_in_the_schema():
    spec = openapi()
    schemas = spec["components"]["schemas"]
    assert schemas["RequestCreateInput"]["additionalProperties"] is False
    assert schemas["YouthInput"]["additionalProperties"] is False
    assert schemas["DeclineInput"]["properties"]["motivation"]["minLength"] == 1
    assert schemas["OfferWithdrawInput"]["properties"]["reason"]["minLength"] == 1
    params = {p["name"]: p for p in spec["paths"]["/reports/unmet-need"]["get"]["parameters"]}
    assert params["threshold"]["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_THRESHOLD_DAYS}
    # response components stay open: only request bodies are closed
    assert "additionalProperties" not in schemas["Request"]


def test_query_parameters_are_lower_camel_case_with_deprecated_aliases():
    spec = openapi()
    params = {p["name"]: p for p in spec["paths"]["/requests"]["get"]["parameters"]}
    assert "pageSize" in params and not params["pageSize"].get("deprecated")
    assert params["page_size"]["deprecated"] is True


def test_links_point_at_operations_that_exist():
    spec = openapi()
    ids = {op["operationId"] for _p, _m, op in operations(spec)}
    links = [
        link
        for _p, _m, op in operations(spec)
        for response in op["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(links) >= 10
    assert {link["operationId"] for link in links} <= ids
    create = spec["paths"]["/requests"]["post"]["responses"]["201"]["links"]["GetRequest"]
    assert create == {
        "operationId": "requests_retrieve",
        "parameters": {"id": "$response.body#/id"},
        "description": "The request just filed.",
    }


def test_request_list_and_detail_answers_fit_their_schemas(api, referrer):
    spec = openapi()
    placement_request = make_request(referrer)
    api.as_user(referrer)

    listed = api.get("/api/v1/requests")
    assert listed.status_code == 200
    assert listed.json()["count"] >= 1
    schema = to_json_schema(spec, spec["paths"]["/requests"]["get"]["responses"]["200"]["content"]["application/json"])
    jsonschema.validate(listed.json(), schema["schema"])

    detail = api.get(f"/api/v1/requests/{placement_request.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["referral_date"] is None and body["submitted_at"] is None  # a draft: null, as documented
    schema = to_json_schema(spec, spec["paths"]["/requests/{id}"]["get"]["responses"]["200"]["content"])
    jsonschema.validate(body, schema["application/json"]["schema"])

    broken = copy.deepcopy(body)
    broken["status"] = "no-such-status"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema["application/json"]["schema"])


def test_problem_answers_fit_the_problem_schema(api, referrer):
    spec = openapi()
    api.as_user(referrer)
    response = api.post("/api/v1/requests", {"youth": {}, "nonsense": 1}, format="json")
    assert response.status_code == 422
    assert response["Content-Type"].startswith(PROBLEM)
    jsonschema.validate(response.json(), to_json_schema(spec, spec["components"]["schemas"]["ProblemDetails"]))


BINARY_MEDIA = {"application/pdf", "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def missing_or_unfit_examples(spec):
    """Every operation's request body (when it has one) and every 2xx JSON answer has an
    example, and each example fits its schema (issue 14.2)."""
    problems = []
    for _path, _method, op in operations(spec):
        bodies = []
        if "requestBody" in op:
            bodies += [("request", media, body) for media, body in op["requestBody"]["content"].items()]
        for status, response in op["responses"].items():
            response = resolve(spec, response)
            if status.startswith("2"):
                bodies += [
                    (status, media, body)
                    for media, body in response.get("content", {}).items()
                    if media not in BINARY_MEDIA  # a file download: no JSON example to give
                ]
        for where, media, body in bodies:
            name = (op["operationId"], where, media)
            if "example" not in body:
                problems.append((*name, "no example"))
                continue
            errors = jsonschema.Draft202012Validator(
                to_json_schema(spec, body["schema"]), format_checker=jsonschema.FormatChecker()
            ).iter_errors(body["example"])
            problems += [(*name, f"{'/'.join(map(str, e.absolute_path))}: {e.message}") for e in errors]
    return problems


def test_every_operation_has_examples_that_fit_their_schemas():
    spec = openapi()
    assert missing_or_unfit_examples(spec) == []
    by_id = {op["operationId"]: op for _p, _m, op in operations(spec)}
    # the check bites: an example taken away, or one that does not fit, is named
    del by_id["requests_triage_create"]["requestBody"]["content"]["application/json"]["example"]
    by_id["offers_retrieve"]["responses"]["200"]["content"]["application/json"]["example"] = {"id": "zeven"}
    found = {(problem[0], problem[1]) for problem in missing_or_unfit_examples(spec)}
    assert found == {("requests_triage_create", "request"), ("offers_retrieve", "200")}


def test_the_most_used_request_bodies_describe_every_property():
    schemas = openapi()["components"]["schemas"]
    bodies = ["RequestCreateInput", "OfferCreateInput", "DeclineInput", "OfferWithdrawInput", "FacilityWrite"]
    bodies += ["AvailabilityInput", "TriageInput", "WithdrawInput", "WaitInput"]
    undescribed = [
        f"{name}.{prop}"
        for name in bodies
        for prop, schema in schemas[name]["properties"].items()
        if not schema.get("description")
    ]
    assert undescribed == []
