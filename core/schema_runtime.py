"""Issue 14 (api-core): what core.api_runtime and core.throttling do at runtime, in the
OpenAPI document (a drf-spectacular postprocessing hook).

`postprocess_runtime(result, generator, request, public)` (or its parts, for core/schema.py
of the api-spec part to call in its own hook):
- `camel_case_query_parameters`: query parameters under their lowerCamelCase name, each
  snake_case alias of API 1.0 listed next to it with `deprecated: true`;
- `runtime_headers`: `API-Version` and the `RateLimit-*` headers on every response,
  `Location` on every 201, `Link` on every paginated list, `Deprecation`/`Warning` where
  an operation still takes an alias.
"""

from __future__ import annotations

import copy

from core.api_runtime import QUERY_ALIASES, SNAKE_TO_CAMEL, api_version

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}

HEADERS = {
    "API-Version": {
        "description": "De volledige versie van de API (semver), op elk antwoord.",
        "required": True,
        "schema": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
    },
    "RateLimit-Limit": {
        "description": "Aantal verzoeken dat in het venster mag (de krapste limiet).",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Remaining": {
        "description": "Aantal verzoeken dat in het venster nog mag.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Reset": {
        "description": "Seconden tot er weer een verzoek bij mag.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Policy": {
        "description": "De limiet en het venster in seconden, bijvoorbeeld `600;w=60`.",
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "De URL van wat is aangemaakt.",
        "schema": {"type": "string", "format": "uri"},
    },
    "Link": {
        "description": 'Pagina\'s volgens RFC 8288: rel="first", "prev", "next" en "last".',
        "schema": {"type": "string"},
    },
    "Deprecation": {
        "description": "Gezet (RFC 9745) als een verouderde snake_case-queryparameter is gebruikt.",
        "schema": {"type": "string"},
    },
    "Warning": {
        "description": "Noemt de verouderde queryparameter en de nieuwe naam.",
        "schema": {"type": "string"},
    },
}
EVERY_RESPONSE = ("API-Version", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy")


def _operations(result):
    for path_item in (result.get("paths") or {}).values():
        for method, operation in path_item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield operation


def camel_case_query_parameters(result):
    for operation in _operations(result):
        parameters = []
        for parameter in operation.get("parameters", []):
            name = parameter.get("name")
            if parameter.get("in") != "query" or name not in SNAKE_TO_CAMEL:
                parameters.append(parameter)
                continue
            camel = SNAKE_TO_CAMEL[name]
            parameters.append({**parameter, "name": camel})
            alias = copy.deepcopy(parameter)
            alias["deprecated"] = True
            alias["required"] = False
            alias["description"] = f"Verouderd: gebruik `{camel}`. " + parameter.get("description", "")
            parameters.append(alias)
        if parameters:
            operation["parameters"] = parameters
    return result


def _has_alias(operation) -> bool:
    return any(p.get("deprecated") and p.get("name") in SNAKE_TO_CAMEL for p in operation.get("parameters", []))


def _is_paginated(response) -> bool:
    schema = ((response.get("content") or {}).get("application/json") or {}).get("schema") or {}
    return schema.get("$ref", "").split("/")[-1].startswith("Paginated")


def runtime_headers(result):
    components = result.setdefault("components", {})
    headers = components.setdefault("headers", {})
    for name, header in HEADERS.items():
        headers.setdefault(name, copy.deepcopy(header))
    headers["API-Version"]["example"] = headers["API-Version"]["schema"]["example"] = api_version()
    for operation in _operations(result):
        deprecated = _has_alias(operation)
        for code, response in (operation.get("responses") or {}).items():
            if not isinstance(response, dict) or "$ref" in response:
                continue
            names = list(EVERY_RESPONSE)
            if str(code) == "201":
                names.append("Location")
            if str(code) == "200" and _is_paginated(response):
                names.append("Link")
            if deprecated:
                names += ["Deprecation", "Warning"]
            on_response = response.setdefault("headers", {})
            for name in names:
                on_response.setdefault(name, {"$ref": f"#/components/headers/{name}"})
    return result


ACCEPT_LANGUAGE = {
    "in": "header",
    "name": "Accept-Language",
    "required": False,
    "description": "Taal van foutmeldingen en teksten: `nl` (standaard) of `en`.",
    "schema": {"type": "string", "example": "en"},
}


def accept_language_parameter(result):
    for operation in _operations(result):
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("in") == "header" and p.get("name") == "Accept-Language" for p in parameters):
            parameters.append(copy.deepcopy(ACCEPT_LANGUAGE))
    return result


def postprocess_runtime(result, generator=None, request=None, public=None):
    return runtime_headers(accept_language_parameter(camel_case_query_parameters(result)))


__all__ = [
    "QUERY_ALIASES",
    "accept_language_parameter",
    "camel_case_query_parameters",
    "postprocess_runtime",
    "runtime_headers",
]
