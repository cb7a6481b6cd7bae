"""Output fields whose schema says what they can hold (issue 14.2).

A coded field in a response (status, kind, urgency, outcome, ...) is a plain string in
the data but an enum in the OpenAPI document, taken from the model's choices, so clients
can generate code for it. `blank=True` where the field is empty until something happens
(an outcome before the end, a decline reason before a decline)."""

from rest_framework import serializers


def coded(choices, *, blank=False, **kwargs):
    """A read-out of a coded value, documented as an enum of `choices`."""
    return serializers.ChoiceField(choices=choices, allow_blank=blank, **kwargs)
