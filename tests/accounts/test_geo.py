"""The distance between municipalities: the SQL the reports use is the Python rule
matching uses, on every pair of the 342 municipalities."""

import pytest
from django.db import connection

from accounts.geo import distance_km, distance_km_sql
from accounts.models import Municipality
from tests.accounts.factories import reference_data_ensure

pytestmark = pytest.mark.django_db


def test_distance_in_sql_is_the_python_rule_for_every_pair_of_municipalities():
    reference_data_ensure()
    places = {m.pk: (m.latitude, m.longitude) for m in Municipality.objects.all()}
    assert len(places) == 342
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT a.id, b.id, {distance_km_sql("a.latitude", "a.longitude", "b.latitude", "b.longitude")}
                FROM accounts_municipality a CROSS JOIN accounts_municipality b"""
        )
        rows = cursor.fetchall()
    assert len(rows) == 342 * 342
    worst = max(abs(km - distance_km(*places[a], *places[b])) for a, b, km in rows)
    assert worst < 1e-9


def test_distance_between_two_known_places():
    reference_data_ensure()
    enschede, assen = (Municipality.objects.get(code=code) for code in ("GM0153", "GM0106"))
    km = distance_km(enschede.latitude, enschede.longitude, assen.latitude, assen.longitude)
    assert round(km, 1) == 89.5  # 0.78 degrees north (86.8 km) and 0.33 west (22.0 km)
    assert distance_km(enschede.latitude, enschede.longitude, enschede.latitude, enschede.longitude) == 0
