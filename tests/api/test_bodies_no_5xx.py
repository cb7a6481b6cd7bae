"""Issue 14.1 (api-core): no 5xx for odd values in any request body either: every write
operation of the schema gets bodies whose numbers are beyond a bigint and whose texts
hold a NUL byte or are very long; each answer is below 500 (problem+json when an error)."""

import pytest

from accounts.models import Role
from tests.api.test_errors_everywhere import assert_no_5xx, server_path

ODD = [
    {"integer": 10**30, "number": 1e308, "string": "a\x00b"},
    {"integer": -(10**30), "number": -1e308, "string": "x" * 100_000},
    {"integer": 2**63, "number": 2**63, "string": "0001-01-01"},
]


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def _body(schema, node, odd, depth=0):
    node = _resolve(schema, node)
    if depth > 4 or not isinstance(node, dict):
        return None
    for key in ("allOf", "oneOf", "anyOf"):
        if node.get(key):
            return _body(schema, node[key][0], odd, depth + 1)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {name: _body(schema, prop, odd, depth + 1) for name, prop in (node.get("properties") or {}).items()}
    if kind == "array":
        return [_body(schema, node.get("items", {}), odd, depth + 1)]
    if kind == "boolean":
        return True
    if node.get("enum"):
        return node["enum"][0]
    return odd.get(kind, odd["string"])


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in ("post", "put", "patch"):
            operation = item.get(method)
            if operation is None:
                continue
            content = (operation.get("requestBody") or {}).get("content") or {}
            if "application/json" in content:
                yield path, method, content["application/json"]["schema"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.REFERRER, Role.PROVIDER])
def test_no_odd_body_of_any_write_operation_gives_a_5xx(api, client, make_member, twente, role):
    from tests.placement.factories import make_request

    schema = client.get("/api/v1/openapi.json").json()
    user = make_member(role, regions=[twente]) if role in (Role.COORDINATOR,) else make_member(role)
    referrer = make_member(Role.REFERRER)
    placement_request = make_request(referrer, submit=True)
    api.as_user(user)
    tried = 0
    for path, method, body_schema in _operations(schema):
        url = server_path(schema) + path.replace("{pk}", str(placement_request.pk)).replace("{code}", "JZ14")
        url = url.replace("{id}", str(placement_request.pk))
        for odd in ODD:
            body = _body(schema, body_schema, odd)
            response = getattr(api, method)(url, body, format="json")
            assert response.status_code < 500, (method, url, response.status_code, response.content[:300])
            assert_no_5xx(response)
            tried += 1
    assert tried > 30
