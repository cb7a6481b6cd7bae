"""The OpenAPI document tells the truth (issue 14.2): drf-spectacular hooks.

`postprocess_schema` (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) adds what every
operation shares and what can be derived from the view, instead of repeating it per view:

- `servers` (https, ending in /api/v1), `info.contact` and `info.description`;
- the `ProblemDetails` schema (type, title, status, detail, invalid_params) and one
  problem+json response per error status, each with the `API-Version` header;
- per operation the error responses it can give, derived where that is possible:
  400 on writes and on operations with parameters, 401 wherever a credential is needed,
  403 where the view checks a role (`accounts.permissions.HasRole`), 404 on paths with ids
  and on paginated lists (a page past the end), 413/415/422 on request bodies, 422 on
  every write (a refused query parameter is 400), 409 on writes to an existing object (its state is checked),
  429 and 503 everywhere; what cannot be derived (a 409 or 403 from a service's own check
  elsewhere) comes from `core.schema_operations`;
- the `API-Version` response header on every response (`components.headers`);
- `additionalProperties: false` on request bodies whose serializer refuses unknown fields
  (`core.api.StrictFieldsMixin`);
- summary, description, examples and links per operation (`core.schema_operations`).

A response a view already documents keeps its description; it gets the problem+json
content when it is an error without a schema.
"""

from __future__ import annotations

import re

from django.conf import settings

from core import schema_operations
from core.api import StrictFieldsMixin
from core.renderers import PROBLEM_JSON
from core.schema_descriptions import describe_properties
from core.schema_runtime import postprocess_runtime

PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
VERSION_HEADER_REF = {"$ref": "#/components/headers/API-Version"}
WRITE_METHODS = {"post", "put", "patch", "delete"}

# status -> (component name, description)
ERRORS = {
    400: ("BadRequest", "The request cannot be read (malformed JSON, a malformed header or query parameter)."),
    401: ("Unauthorized", "No valid credential: the token is missing, unknown, expired or revoked."),
    403: ("Forbidden", "The caller's role may not do this."),
    404: ("NotFound", "Unknown, or not the caller's to see (another organisation's or region's object)."),
    409: ("Conflict", "The object is not in a state that allows this (it was moved on in the meantime)."),
    413: ("PayloadTooLarge", "The body is larger than the server accepts."),
    415: ("UnsupportedMediaType", "The body's media type is not the one this operation reads."),
    422: ("UnprocessableEntity", "The input is not valid; `invalid_params` names every refused field at once."),
    429: ("TooManyRequests", "Too many requests (or too many failed logins); wait `Retry-After` seconds."),
    503: ("ServiceUnavailable", "The service is temporarily unavailable (database down); retry after `Retry-After`."),
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as application/problem+json (RFC 9457).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {
            "type": "string",
            "description": "`about:blank`, or `about:blank#<code>` naming the error's code.",
            "example": "about:blank#invalid",
        },
        "title": {"type": "string", "description": "Short summary of the kind of error.", "example": "Invalid input"},
        "status": {
            "type": "integer",
            "minimum": 400,
            "maximum": 599,
            "description": "The HTTP status code.",
            "example": 422,
        },
        "detail": {
            "type": "string",
            "description": "What went wrong in this case.",
            "example": "One or more fields are not valid.",
        },
        "instance": {"type": "string", "description": "The request this error is about."},
        "invalid_params": {
            "type": "array",
            "description": "Every refused field (validation errors only).",
            "items": {
                "type": "object",
                "required": ["name", "code", "reason"],  # core.api_runtime.problem_body fills `code`
                "properties": {
                    "name": {
                        "type": "string",
                        "description": "The field, dotted for nested fields (`youth.birth_date`, `residents.0.age`).",
                        "example": "reason",
                    },
                    "code": {"type": "string", "description": "Machine-readable code.", "example": "blank"},
                    "reason": {
                        "type": "string",
                        "description": "Human-readable reason.",
                        "example": "This field may not be blank.",
                    },
                },
            },
        },
    },
}


def _server_url() -> str:
    return settings.API_PUBLIC_URL


def _components(result):
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["ProblemDetails"] = PROBLEM_SCHEMA
    responses = components.setdefault("responses", {})
    for status, (name, description) in ERRORS.items():
        headers = {"API-Version": VERSION_HEADER_REF}
        if status in (429, 503):
            headers["Retry-After"] = {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer"},
            }
        responses[name] = {
            "description": description,
            "headers": headers,
            "content": {PROBLEM_JSON: {"schema": PROBLEM_REF, "example": _problem_example(status)}},
        }


def _problem_example(status):
    name, detail = ERRORS.get(status, ("Error", "Error"))
    example = {"type": "about:blank", "title": name, "status": status, "detail": detail}
    if status == 400:  # Issue 14 (api-webhooks): a refused query parameter is named
        example["invalid_params"] = [{"name": "pageSize", "code": "invalid", "reason": "Must be 1-500."}]
    if status == 422:
        example["type"] = "about:blank#invalid"
        example["invalid_params"] = [{"name": "reason", "code": "blank", "reason": "This field may not be blank."}]
    return example


def _views_by_operation(generator):
    """(path, method) in the result -> the view instance drf-spectacular made for it."""
    from drf_spectacular.settings import spectacular_settings

    views = {}
    for path, _regex, method, callback in generator.endpoints or []:
        view = generator.create_view(callback, method)
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        coerced = generator.coerce_path(path, method, view)
        if spectacular_settings.SCHEMA_PATH_PREFIX_TRIM:
            coerced = re.sub(f"^{spectacular_settings.SCHEMA_PATH_PREFIX}", "", coerced) or "/"
        views[coerced, method.lower()] = view
    return views


def _checks_role(view) -> bool:
    try:
        permissions = view.get_permissions()
    except Exception:  # noqa: BLE001 - a view that cannot say is documented by hand
        return False
    return any(type(permission).__name__.startswith("HasRole_") for permission in permissions)


def _anonymous(operation) -> bool:
    return {} in (operation.get("security") or [])


def _derived_statuses(path, method, operation, view) -> set[int]:
    parameters = operation.get("parameters") or []
    in_path = any(p.get("in") == "path" for p in parameters) or "{" in path
    body = "requestBody" in operation
    statuses = {429, 503}
    if method in WRITE_METHODS or parameters:
        statuses.add(400)
    if not _anonymous(operation):
        statuses.add(401)
    if view is not None and _checks_role(view):
        statuses.add(403)
    if in_path or any(p.get("name") == "page" for p in parameters):
        statuses.add(404)
    if method in WRITE_METHODS:
        statuses.add(422)  # the services check their rules (core.errors.Invalid), body or not
    if method in WRITE_METHODS and in_path:
        statuses.add(409)  # a move of an existing object: the state is checked (core.errors)
    if body:
        statuses |= {413, 415, 422}
    # a query parameter the server cannot use is 400 (core.api._is_read), already added above
    return statuses


def _operation_errors(path, method, operation, view):
    op_id = operation.get("operationId", "")
    extra = schema_operations.ERRORS.get(op_id, set())
    statuses = _derived_statuses(path, method, operation, view) | set(extra)
    responses = operation.setdefault("responses", {})
    for status, (description, example) in schema_operations.ERROR_RESPONSES.get(op_id, {}).items():
        responses[str(status)] = {  # this operation's own case, named (issue 14, api-spec2)
            "description": description,
            "headers": {"API-Version": VERSION_HEADER_REF},
            "content": {PROBLEM_JSON: {"schema": PROBLEM_REF, "example": example}},
        }
    for status in sorted(statuses):
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{ERRORS[status][0]}"})
    for key, declared in list(responses.items()):
        if key.startswith(("4", "5")) and "content" not in declared and "$ref" not in declared:
            # a view documented why this error happens here; keep that, add the body and header
            status = int(key)
            responses[key] = {
                "description": declared.get("description") or ERRORS.get(status, ("", "Error"))[1],
                "headers": {"API-Version": VERSION_HEADER_REF},
                "content": {PROBLEM_JSON: {"schema": PROBLEM_REF, "example": _problem_example(status)}},
            }
    for key, response in responses.items():
        if "$ref" in response:
            continue
        if key.startswith(("4", "5")) and "content" in response and PROBLEM_JSON not in response["content"]:
            schema = next(iter(response["content"].values())).get("schema", PROBLEM_REF)
            response["content"] = {PROBLEM_JSON: {"schema": schema}}
        response.setdefault("headers", {}).setdefault("API-Version", VERSION_HEADER_REF)
        if not response.get("description"):
            response["description"] = _success_description(key)


def _success_description(status):
    return {
        "200": "OK",
        "201": "Created",
        "202": "Accepted: the work runs in the background",
        "204": "Done; no body",
    }.get(status, "Response")


def _walk_refs(node, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _walk_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _walk_refs(value, found)


def _closure(schemas, names):
    todo, seen = list(names), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        found = set()
        _walk_refs(schemas[name], found)
        todo.extend(found - seen)
    return seen


def _strict_request_bodies(result, generator):
    """additionalProperties: false on request bodies whose serializer refuses unknown
    fields, and on the nested input objects (only schemas no response uses)."""
    schemas = result["components"]["schemas"]
    strict = set()
    for (name, kind), component in generator.registry._components.items():
        if kind == "schemas" and isinstance(component.object, StrictFieldsMixin):
            strict.add(name)
    requests, responses = set(), set()
    for operations in result["paths"].values():
        for operation in operations.values():
            _walk_refs(operation.get("requestBody", {}), requests)
            _walk_refs(operation.get("responses", {}), responses)
    response_side = _closure(schemas, responses)
    for name in _closure(schemas, requests) - response_side:
        schema = schemas[name]
        if name in strict and schema.get("type") == "object" and "properties" in schema:
            schema["additionalProperties"] = False
    for name, fields in schema_operations.NON_BLANK.items():
        for field in fields:
            prop = schemas.get(name, {}).get("properties", {}).get(field)
            if prop is not None:
                prop.update(minLength=1, pattern=r"\S")
                prop.pop("default", None)
    mixin_doc = " ".join((StrictFieldsMixin.__doc__ or "").split())
    for name in strict:
        schema = schemas.get(name, {})
        if " ".join(schema.get("description", "").split()) == mixin_doc:
            del schema["description"]  # the mixin's docstring says nothing about this body


def _fix_defaults(node):
    """A blank default is not an e-mail address (EmailField(allow_blank=True))."""
    if isinstance(node, dict):
        if node.get("format") == "email" and node.get("default") == "":
            del node["default"]
        for value in node.values():
            _fix_defaults(value)
    elif isinstance(node, list):
        for value in node:
            _fix_defaults(value)


NULL_REF = {"$ref": "#/components/schemas/NullEnum"}


def _nullable_objects(node, schemas):
    """A nested serializer with allow_null comes out as `{allOf: [X], nullable: true}`, which
    refuses null (OpenAPI 3.0.3: `nullable` only widens a `type` beside it) and which
    example validators reject outright. Write it the way drf-spectacular writes nullable
    choices instead: `oneOf: [X, NullEnum]`. Issue 14.2 (api-examples)."""
    if isinstance(node, dict):
        parts = node.get("allOf")
        if node.get("nullable") and "type" not in node and isinstance(parts, list) and len(parts) == 1:
            target = schemas.get(parts[0].get("$ref", "").rsplit("/", 1)[-1], {})
            if target.get("type") == "object":
                del node["allOf"], node["nullable"]
                node["oneOf"] = [parts[0], dict(NULL_REF)]
                schemas.setdefault("NullEnum", {"enum": [None]})
        for value in list(node.values()):
            _nullable_objects(value, schemas)
    elif isinstance(node, list):
        for value in node:
            _nullable_objects(value, schemas)


def _describe(operation):
    op_id = operation.get("operationId", "")
    doc = schema_operations.OPERATIONS.get(op_id)
    if doc is None:
        return
    summary, description = doc[0], doc[1]
    operation["summary"] = summary
    old = (operation.get("description") or "").strip()
    operation["description"] = description if not old or old in description else f"{description}\n\n{old}"


def _examples(operation):
    op_id = operation.get("operationId", "")
    request_example = schema_operations.REQUEST_EXAMPLES.get(op_id)
    if request_example is not None and "requestBody" in operation:
        for media in operation["requestBody"].get("content", {}).values():
            media["example"] = request_example
    for status, example in schema_operations.RESPONSE_EXAMPLES.get(op_id, {}).items():
        response = operation.get("responses", {}).get(str(status))
        if response and "content" in response:
            for media in response["content"].values():
                media["example"] = example


CONTENT_DISPOSITION = {
    "description": "`attachment` with the file's name (RFC 6266).",
    "required": True,
    "schema": {"type": "string"},
}
CACHE_CONTROL = {
    "description": "`private, no-store`: a download is never cached.",
    "schema": {"type": "string"},
    "example": "private, no-store",
}


def _downloads(operation):
    """A file download: its media types, what the file is, the Content-Disposition header
    with an example file name; an upload's file as a real PDF (issue 14, api-spec2)."""
    op_id = operation.get("operationId", "")
    if op_id in schema_operations.DOWNLOADS:
        description, disposition = schema_operations.DOWNLOADS[op_id]
        response = operation["responses"]["200"]
        response["description"] = description
        headers = response.setdefault("headers", {})
        headers["Content-Disposition"] = {**CONTENT_DISPOSITION, "example": disposition}
        headers["Cache-Control"] = dict(CACHE_CONTROL)
        for media in response.get("content", {}).values():
            media["schema"] = {"type": "string", "format": "binary", "description": description}
    for media_type, media in (operation.get("requestBody") or {}).get("content", {}).items():
        properties = (media.get("schema") or {}).get("$ref", "")
        if media_type == "multipart/form-data" and properties.endswith("/DocumentUploadInput"):
            media.setdefault("encoding", {})["file"] = {"contentType": "application/pdf"}


def _upload_file(result):
    """The upload's file is binary (multipart/form-data), a PDF."""
    upload = result["components"]["schemas"].get("DocumentUploadInput", {}).get("properties", {}).get("file")
    if upload is not None:
        upload["format"] = "binary"


def _links(result):
    ids = {operation.get("operationId") for operations in result["paths"].values() for operation in operations.values()}
    for operations in result["paths"].values():
        for operation in operations.values():
            for status, links in schema_operations.LINKS.get(operation.get("operationId"), {}).items():
                response = operation.get("responses", {}).get(str(status))
                if response is None or "$ref" in response:
                    continue
                response["links"] = {
                    name: {
                        "operationId": target,
                        "parameters": parameters,
                        "description": description,
                    }
                    for name, (target, parameters, description) in links.items()
                    if target in ids
                }


def postprocess_schema(result, generator, request, public):
    # What the runtime does (core/api_runtime.py) first, from its own tables: lowerCamelCase
    # query parameters with their deprecated aliases, the API-Version, RateLimit-*, Location
    # and Link headers, Accept-Language (core/schema_runtime.py).
    postprocess_runtime(result)
    result.setdefault("info", {})
    result["info"]["contact"] = dict(settings.API_CONTACT)
    result["info"]["description"] = schema_operations.API_DESCRIPTION
    result["servers"] = [{"url": _server_url(), "description": "This installation"}]
    _components(result)
    views = _views_by_operation(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            _describe(operation)
            _operation_errors(path, method, operation, views.get((path, method)))
            _examples(operation)
            _downloads(operation)
    _strict_request_bodies(result, generator)
    _fix_defaults(result["components"]["schemas"])
    _nullable_objects(result["components"]["schemas"], result["components"]["schemas"])
    _links(result)
    _upload_file(result)
    used = sorted({tag for ops in result["paths"].values() for op in ops.values() for tag in op.get("tags", [])})
    result["tags"] = [
        {"name": tag, "description": schema_operations.TAGS.get(tag, tag.replace("-", " ").capitalize())}
        for tag in used
    ]
    describe_properties(result)  # issue 14 (api-spec2): a description on every property
    return result
