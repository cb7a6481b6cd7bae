"""Lists of requests whose youth identity is encrypted at rest (issue 10).

requests.queue: setup(scale) creates 100 * scale open requests (submitted and in matching)
in Twente; the path is the coordinator's work queue GET /coordinator/ (it shows each
youth's name and birth year, so it decrypts given names, family name and birth date per
row); the floor is the SQL for the same requests.

requests.api.list: the same data; the path is GET /api/v1/requests as that coordinator
(no identity in the list, so no youth is read or decrypted); the floor the SQL for the
first page.
"""

import re

from django.db import connection
from django.test import Client

from accounts.models import Membership, Municipality, Organisation, Region, Role, User
from bench.benchmarks.offers import _base, _request
from bench.harness import Benchmark, register
from intake.models import Status
from tests.accounts.two_factor import verified_login


def _setup(scale):
    referrer_org, referrer = _base("q")
    twente = Region.objects.get(code="JZ14")
    coordination = Organisation.objects.create(name="Bench coördinatie q", kind=Organisation.Kind.COORDINATION)
    coordination.regions.set([twente])
    user = User.objects.create(username="bench-coordinator-q")
    membership = Membership.objects.create(user=user, organisation=coordination, role=Role.COORDINATOR)
    membership.regions.set([twente])
    municipality = Municipality.objects.get(code="GM0153")
    for n in range(100 * scale):
        _request(referrer_org, referrer, municipality, n, status=Status.SUBMITTED if n % 2 else Status.MATCHING)
    client = Client()
    verified_login(client, user)  # password and second factor (coordinators need both)
    return {"client": client, "region": twente.pk, "n": 100 * scale}


def _path_queue(context):
    response = context["client"].get("/coordinator/")
    assert response.status_code == 200
    return sorted({int(i) for i in re.findall(r'href="/requests/(\d+)/"', response.content.decode())})


def _floor_queue(context):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.id, y.given_names, y.family_name, y.birth_date, r.status
               FROM placement_placementrequest r JOIN placement_youth y ON y.id = r.youth_id
               WHERE r.region_id = %s AND r.status IN ('submitted', 'matching') ORDER BY r.id""",
            [context["region"]],
        )
        return [row[0] for row in cursor.fetchall()]


def _path_api(context):
    response = context["client"].get("/api/v1/requests")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def _floor_api(context):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.id, r.status, r.referral_date FROM placement_placementrequest r
               WHERE r.region_id = %s AND r.status <> 'draft' ORDER BY r.created_at DESC, r.id DESC LIMIT 50""",
            [context["region"]],
        )
        return [row[0] for row in cursor.fetchall()]


register(
    Benchmark(
        name="requests.queue",
        description="GET /coordinator/ (work queue with names and birth years, decrypted) vs raw SQL",
        setup=_setup,
        path=_path_queue,
        floor=_floor_queue,
        same_rows=lambda a, b: list(a) == list(b),
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)

register(
    Benchmark(
        name="requests.api.list",
        description="GET /api/v1/requests as a coordinator (first page, no identity) vs raw SQL",
        setup=_setup,
        path=_path_api,
        floor=_floor_api,
        same_rows=lambda a, b: sorted(a) == sorted(b),
        scales=(1, 4, 16),
        size=lambda context: context["n"],
    )
)
