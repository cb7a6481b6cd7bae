"""The OpenAPI document describes everything (issue 14.2, api-spec2): every property of
every request and response schema, the file downloads (media type, what the file is,
Content-Disposition with an example file name), the upload's example file (a real small
PDF), the links between operations (each pointing at a field that exists) and the 409 of
the coordinator's withdrawal (naming its case)."""

import io
import re
import warnings

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import capfirst
from pypdf import PdfReader

from capacity.models import Facility
from core import schema_operations
from core.pdf import pdf_validate
from intake.models import WITHDRAW_ACCEPTED_FROM, WITHDRAW_FROM, Status
from tests.api.spec import openapi, operations, resolve
from tests.api.test_conventions import assert_problem
from tests.placement.factories import in_matching, make_request

pytestmark = pytest.mark.django_db


def _walk(spec, where, node, missing, seen):
    """Every property without a description, following $refs once per schema."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _walk(spec, name, resolve(spec, node), missing, seen)
        return
    for prop, sub in (node.get("properties") or {}).items():
        if not (isinstance(sub, dict) and str(sub.get("description") or "").strip()):
            missing.append(f"{where}.{prop}")
        _walk(spec, f"{where}.{prop}", sub, missing, seen)
    for key in ("items", "additionalProperties"):
        _walk(spec, f"{where}[]", node.get(key), missing, seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in node.get(key) or []:
            _walk(spec, where, part, missing, seen)


def undescribed(spec):
    missing, seen = [], set()
    for path, method, op in operations(spec):
        bodies = [("request", op.get("requestBody") or {})] + list(op["responses"].items())
        for label, body in bodies:
            for media in (resolve(spec, body).get("content") or {}).values():
                _walk(spec, f"{method.upper()} {path} {label}", media.get("schema"), missing, seen)
    for name, schema in spec["components"]["schemas"].items():
        if name not in seen:
            _walk(spec, name, schema, missing, seen)
    return missing


def test_every_property_of_every_schema_has_a_description():
    spec = openapi()
    missing = undescribed(spec)
    assert missing == [], f"{len(missing)} properties without a description (core/schema_descriptions.py)"


def test_the_walk_finds_a_property_without_one():
    """The check above can fail: a property stripped of its description is reported."""
    spec = openapi()
    del spec["components"]["schemas"]["Facility"]["properties"]["places_free"]["description"]
    assert undescribed(spec) == ["Facility.places_free"]


def test_help_text_first_then_the_model_verbose_name_then_the_table():
    spec = openapi()
    schemas = spec["components"]["schemas"]
    # the serializer's help_text
    assert schemas["TriageInput"]["properties"]["decision"]["description"].startswith("What the coordinator decides.")
    # the model field's verbose_name (a ModelSerializer field)
    verbose = capfirst(str(Facility._meta.get_field("age_min").verbose_name))
    assert schemas["Facility"]["properties"]["age_min"]["description"] == verbose
    # the table, with the schema's subject filled in
    assert schemas["Facility"]["properties"]["id"]["description"] == "Identifier of the facility."
    assert schemas["CoordinatorOffer"]["properties"]["id"]["description"] == "Identifier of the offer."
    # a property that is a reference keeps its type, with the description next to it
    provider = schemas["Facility"]["properties"]["provider"]
    assert provider["allOf"] == [{"$ref": "#/components/schemas/_ProviderRef"}] and provider["description"]


def test_every_file_download_is_documented():
    spec = openapi()
    found = {}
    for _path, _method, op in operations(spec):
        for status, response in op["responses"].items():
            for media_type, media in (resolve(spec, response).get("content") or {}).items():
                if (media.get("schema") or {}).get("format") == "binary":
                    found.setdefault(op["operationId"], set()).add((status, media_type))
    assert set(found) == set(schema_operations.DOWNLOADS)
    assert found["reports_quarterly_pdf_retrieve"] == {("200", "application/pdf")}
    assert found["requests_documents_retrieve"] == {("200", "application/pdf")}
    assert found["exports_download_retrieve"] == {
        ("200", "text/csv"),
        ("200", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    }
    for op_id in found:
        op = next(op for _p, _m, op in operations(spec) if op["operationId"] == op_id)
        response = op["responses"]["200"]
        assert len(response["description"]) > 40, op_id  # says what the file is, not "OK"
        disposition = response["headers"]["Content-Disposition"]
        assert disposition["required"] is True and disposition["description"]
        assert re.fullmatch(r'attachment; filename="[^"/]+\.(pdf|csv|xlsx)"', disposition["example"]), op_id
        assert response["headers"]["Cache-Control"]["example"] == "private, no-store"


def test_the_document_download_sends_what_is_documented(api, referrer, private_media):
    placement_request = make_request(referrer, complete=False)
    upload = SimpleUploadedFile("plan.pdf", schema_operations.EXAMPLE_PDF.encode(), content_type="application/pdf")
    created = api.as_user(referrer).post(
        f"/api/v1/requests/{placement_request.pk}/documents",
        {"file": upload, "kind": "perspectiefplan", "title": "Perspectiefplan Sanne"},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    response = api.as_user(referrer).get(f"/api/v1/requests/{placement_request.pk}/documents/{created.json()['id']}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Perspectiefplan Sanne.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    spec = openapi()
    op = spec["paths"]["/requests/{id}/documents/{document_id}"]["get"]
    assert op["responses"]["200"]["headers"]["Content-Disposition"]["example"] == response["Content-Disposition"]


def test_the_upload_example_is_a_real_small_pdf():
    spec = openapi()
    media = spec["paths"]["/requests/{id}/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    content = media["example"]["file"].encode()
    assert media["encoding"]["file"]["contentType"] == "application/pdf"
    assert len(content) < 1024
    pdf_validate(content)  # the server's own check passes it
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "incorrect startxref pointer": a well-formed file
        assert len(PdfReader(io.BytesIO(content), strict=True).pages) == 1
    upload = resolve(spec, media["schema"])["properties"]["file"]
    assert upload["format"] == "binary" and "application/pdf" in upload["description"]


def _pointer_fits(spec, schema, pointer):
    """Does the JSON pointer of a link (`/results/0/id`) name a field of the schema?"""
    node = resolve(spec, schema)
    for part in [p for p in pointer.split("/") if p]:
        node = resolve(spec, node)
        for key in ("allOf", "oneOf"):
            if key in node and "properties" not in node:
                node = resolve(spec, node[key][0])
        if part.isdigit():
            if node.get("type") != "array":
                return False
            node = node["items"]
        else:
            if part not in (node.get("properties") or {}):
                return False
            node = node["properties"][part]
    return True


def test_every_link_points_at_an_operation_and_a_field_that_exist():
    spec = openapi()
    by_id = {op["operationId"]: (path, op) for path, _m, op in operations(spec)}
    checked = 0
    for _path, _method, op in operations(spec):
        for response in op["responses"].values():
            for name, link in (response.get("links") or {}).items():
                target_path, target = by_id[link["operationId"]]
                schema = response["content"]["application/json"]["schema"]
                for parameter, expression in link["parameters"].items():
                    assert f"{{{parameter}}}" in target_path, (op["operationId"], name)
                    assert expression.startswith("$response.body#"), (op["operationId"], name)
                    assert _pointer_fits(spec, schema, expression.split("#", 1)[1]), (op["operationId"], name)
                    checked += 1
    assert checked >= 30
    # and the check can fail: a pointer at a field the list does not have
    schema = spec["paths"]["/requests"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert not _pointer_fits(spec, schema, "/results/0/nope") and not _pointer_fits(spec, schema, "/id")


def test_every_list_links_to_the_detail_of_its_items():
    spec = openapi()
    for op_id, target in [
        ("requests_list", "requests_retrieve"),
        ("offers_list", "offers_retrieve"),
        ("placements_list", "placements_retrieve"),
        ("facilities_list", "facilities_retrieve"),
        ("transfers_list", "transfers_retrieve"),
        ("assignments_list", "assignments_retrieve"),
        ("notifications_list", "notifications_retrieve"),
        ("webhooks_list", "webhooks_retrieve"),
        ("contracts_list", "contracts_retrieve"),
        ("reports_quarterly_list", "reports_quarterly_retrieve"),
    ]:
        op = next(op for _p, _m, op in operations(spec) if op["operationId"] == op_id)
        targets = {link["operationId"] for link in op["responses"]["200"]["links"].values()}
        assert target in targets, op_id


def test_the_coordinators_withdraw_409_names_its_case(api, referrer, coordinator):
    spec = openapi()
    conflict = spec["paths"]["/requests/{id}/withdraw"]["post"]["responses"]["409"]
    description = conflict["description"]
    for status in WITHDRAW_FROM | WITHDRAW_ACCEPTED_FROM:
        assert f"`{status}`" in description, status  # every status a withdrawal may start from
    assert "coordinator may withdraw only an `accepted` request" in description
    assert f"`{Status.OFFERED}`" in description  # a status it may not start from, as the example case
    # the documented problem is the one the server gives the coordinator in that case
    example = conflict["content"]["application/problem+json"]["example"]
    placement_request = in_matching(referrer, coordinator)
    response = api.as_user(coordinator).post(
        f"/api/v1/requests/{placement_request.pk}/withdraw",
        {"reason": "Te vroeg"},
        format="json",
    )
    body = assert_problem(response, 409)
    assert body["type"] == example["type"]
