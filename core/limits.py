"""Issue 14 (api-behaviour): length limits for free text, one place for API and UI.

Every free text the API (`core.api.StrictSerializer` inputs) or a UI form
(`core.forms.AccessibleForm`) accepts is bounded. A field that declares its own
`max_length` keeps it (names 200, reasons 2,000, motivations and notes 5,000); any other
text field gets FREE_TEXT_MAX_LENGTH: an analysis section, a wish, a plan, a description.
The serializer field then carries `max_length` (drf-spectacular writes `maxLength` into
the schema), a longer value is 422 naming the field in the API and the message next to
the field in the UI (and the browser's `maxlength` stops typing at the limit).
"""

from django import forms
from django.core.validators import MaxLengthValidator
from rest_framework import serializers

NAME_MAX_LENGTH = 200
REASON_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 5000
FREE_TEXT_MAX_LENGTH = 10_000


def _bound_serializer_field(field) -> None:
    if isinstance(field, serializers.ListField) and field.child is not None:
        _bound_serializer_field(field.child)
        return
    if isinstance(field, serializers.CharField) and field.max_length is None and not field.read_only:
        field.max_length = FREE_TEXT_MAX_LENGTH
        message = field.error_messages["max_length"].format(max_length=FREE_TEXT_MAX_LENGTH)
        field.validators.append(MaxLengthValidator(FREE_TEXT_MAX_LENGTH, message=message))


def serializer_fields_bound(fields: dict) -> dict:
    """Give every writable text field of a serializer a maximum length (in place)."""
    for field in fields.values():
        _bound_serializer_field(field)
    return fields


def form_fields_bound(fields: dict) -> None:
    """Give every text field of a form a maximum length (in place)."""
    for field in fields.values():
        if isinstance(field, forms.CharField) and field.max_length is None:
            field.max_length = FREE_TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(FREE_TEXT_MAX_LENGTH))
            field.widget.attrs.setdefault("maxlength", str(FREE_TEXT_MAX_LENGTH))
