"""The OpenAPI document as the product serves it (drf-spectacular with core/schema.py's
hooks), shared by the spec tests."""

import copy
import functools

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@functools.cache
def _generated():
    return SchemaGenerator().get_schema(request=None, public=True)


def openapi():
    """A fresh copy (tests may change it)."""
    return copy.deepcopy(_generated())


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = schema["components"][section][name]
    return node
