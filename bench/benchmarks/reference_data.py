"""Reference data API: GET /api/v1/municipalities for one region and for all regions."""

from django.db import connection
from django.test import Client

from accounts.models import Membership, Organisation, Role, User
from accounts.reference_data import reference_data_load
from bench.harness import Benchmark, register
from tests.accounts.two_factor import verified_login


def _setup(scale):
    reference_data_load()
    organisation = Organisation.objects.create(
        name="Bench referrer", kind=Organisation.Kind.REFERRER, referrer_code="01"
    )
    user = User.objects.create(username="bench-referrer")
    Membership.objects.create(user=user, organisation=organisation, role=Role.REFERRER)
    client = Client()
    verified_login(client, user)  # password and second factor
    return {"client": client}


def _path(context):
    response = context["client"].get("/api/v1/municipalities")
    assert response.status_code == 200
    return [(m["code"], m["name"], m["region"]) for m in response.json()]


def _floor(context):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.code, m.name, r.code FROM accounts_municipality m "
            "JOIN accounts_region r ON r.id = m.region_id ORDER BY m.name"
        )
        return [tuple(row) for row in cursor.fetchall()]


register(
    Benchmark(
        name="api.municipalities",
        description="GET /api/v1/municipalities (342 rows) vs the raw SQL join",
        setup=_setup,
        path=_path,
        floor=_floor,
        same_rows=lambda a, b: a == b,
        scales=(1,),
        size=lambda context: 342,
    )
)
