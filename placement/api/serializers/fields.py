"""Output fields the placement API's serializers share."""

import datetime

from rest_framework import serializers
from rest_framework.fields import SkipField


class UTCDateTimeField(serializers.DateTimeField):
    """A timestamp in UTC, ISO 8601 with a Z (`2025-03-04T09:15:00.123456Z`).

    The request's own timestamps (`RequestSerializer.created_at`, `submitted_at`) are in
    Amsterdam time; every other timestamp of this API (analyses, documents, events,
    offers, availability) has always been given in UTC and stays so."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=datetime.UTC, **kwargs)


class RoundedFloatField(serializers.FloatField):
    """A float rounded to `decimals` places."""

    def __init__(self, *, decimals: int, **kwargs):
        self.decimals = decimals
        super().__init__(**kwargs)

    def to_representation(self, value):
        return round(float(value), self.decimals)


class ContextListField(serializers.ListField):
    """A list that is not an attribute of the object but is given by the view, in the
    serializer's context under the field's name (what depends on who reads, e.g. the
    possible double registrations only coordinators see). Without that key in the context
    the field is left out of the output: absent, not null. Declare it with
    `required=False`, so the schema documents it as optional."""

    def get_attribute(self, instance):
        if self.field_name not in self.context:
            raise SkipField()
        return self.context[self.field_name]
