import pytest
from django.db.models import F, IntegerField, Value

from accounts.models import Municipality, Region
from core.sql import Fragment

pytestmark = pytest.mark.django_db


def test_a_fragment_gets_the_sql_of_its_inputs_with_their_parameters_in_order(twente):
    # `a` is used twice, then `b`: each use brings its own parameter, in order.
    fragment = Fragment(lambda a, b: f"{a} * 100 + {a} * 10 + {b}", Value(3), Value(2), output_field=IntegerField())
    assert Region.objects.filter(pk=twente.pk).annotate(x=fragment).get().x == 332
    # A column through a join, and a term that keeps its parentheses: (1 + 2) * freshness_days.
    days = Fragment(
        lambda a, b: f"{a} * {b}", Value(1) + Value(2), F("region__freshness_days"), output_field=IntegerField()
    )
    assert Municipality.objects.annotate(x=days).get(code="GM0153").x == 3 * twente.freshness_days
