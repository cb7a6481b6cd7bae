"""Distances between municipalities (great-circle, from their representative points).

`distance_km` is the rule for Python (matching); `distance_km_sql` writes the same
formula for SQL (the reports). tests/accounts/test_geo.py holds one against the other."""

from math import asin, cos, radians, sin, sqrt

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Haversine distance in kilometres between two WGS84 points."""
    lat1, lon1, lat2, lon2 = (radians(float(v)) for v in (lat1, lon1, lat2, lon2))
    a = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a))


def distance_km_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """SQL for `distance_km` of four SQL expressions (degrees, e.g. `ym.latitude`)."""
    lat1, lon1, lat2, lon2 = (f"radians(({v})::float)" for v in (lat1, lon1, lat2, lon2))
    a = f"power(sin(({lat2} - {lat1}) / 2), 2) + cos({lat1}) * cos({lat2}) * power(sin(({lon2} - {lon1}) / 2), 2)"
    return f"(2 * {EARTH_RADIUS_KM!r} * asin(sqrt({a})))"
