"""Issue 14 (api-core): no 5xx for odd values in a request body.

- `JSONParser`: a text holding a NUL character ("\\u0000") cannot be stored (PostgreSQL
  refuses it in text columns) and is never meant: refused while parsing, 422 naming every
  field that holds one (`youth.family_name`, `alternatives.0.description`).
- `install_drf_guards()` (from core.apps): DRF's DateTimeField checks a moment at the
  calendar's edge (0001-01-01, 9999-12-31) by converting it to UTC, which overflows; the
  field then answers its own "out of range" error instead of a 500.
"""

from django.utils.translation import gettext as _
from rest_framework import exceptions, fields
from rest_framework.parsers import JSONParser as BaseJSONParser


def _nul_paths(value, path=""):
    if isinstance(value, str):
        return [path or "non_field_errors"] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            found += [name.replace("\x00", "?")] if "\x00" in str(key) else _nul_paths(item, name)
        return found
    if isinstance(value, list):
        return [
            p for index, item in enumerate(value) for p in _nul_paths(item, f"{path}.{index}" if path else str(index))
        ]
    return []


class JSONParser(BaseJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        paths = _nul_paths(data)
        if paths:
            reason = _("Een NUL-teken is niet toegestaan.")
            raise exceptions.ValidationError({path: [reason] for path in paths}, code="nul_byte")
        return data


def install_drf_guards():
    original = fields.DateTimeField.enforce_timezone
    if getattr(original, "guarded", False):
        return

    def enforce_timezone(self, value):
        try:
            return original(self, value)
        except OverflowError:
            self.fail("overflow")

    enforce_timezone.guarded = True
    fields.DateTimeField.enforce_timezone = enforce_timezone
