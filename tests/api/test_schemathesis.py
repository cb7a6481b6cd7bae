"""Schemathesis over the whole API (issue 14.7): every operation of the served OpenAPI
document, against the live server with the demo data in place, as six roles.

Bounded: a fixed number of examples per operation (`SCHEMATHESIS_EXAMPLES`, default 3;
half with ids of real demo objects in the path), a fixed seed, no shrinking. It fails on
any 5xx, a status code the document does not list, a wrong content type, or a body that
does not fit the documented schema; every finding of the run is listed at once.
"""

import io
import os

import hypothesis
import pytest
import requests
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.tokens import token_issue
from tests.api.spec import openapi

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
SEED = 1414
ROLES = ("referrer", "coordinator", "provider", "behavioural_scientist", "contract_manager", "admin")
# the documented response headers too: API-Version (required on every answer), RateLimit-*,
# Location, Link, ETag where they are sent
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def demo_data(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def _tokens():
    return {
        username: token_issue(user=User.objects.get(username=username), client="schemathesis")[1] for username in ROLES
    }


def _real_ids():
    """A few ids of demo objects per first path segment, so cases reach real objects."""
    from capacity.models import Facility
    from intake.models import PlacementRequest
    from placement.models import Offer, Placement

    return {
        "requests": list(PlacementRequest.objects.order_by("pk").values_list("pk", flat=True)[:3]),
        "offers": list(Offer.objects.order_by("pk").values_list("pk", flat=True)[:3]),
        "placements": list(Placement.objects.order_by("pk").values_list("pk", flat=True)[:3]),
        "facilities": [str(pk) for pk in Facility.objects.order_by("pk").values_list("pk", flat=True)[:3]],
        "youth": list(PlacementRequest.objects.order_by("pk").values_list("youth_id", flat=True)[:2]),
        "regions": ["JZ14", "JZ04"],
    }


def _strategy(operation, real_ids):
    strategy = operation.as_strategy()
    segment = operation.path.strip("/").split("/")[0]
    ids = real_ids.get(segment) or []
    names = [p.name for p in operation.path_parameters]
    if ids and len(names) == 1:
        real = [operation.as_strategy(path_parameters={names[0]: value}) for value in ids]
        strategy = st.one_of(strategy, *real)
    return strategy


def _describe(case, role, error):
    """One line per distinct failure: operation, role, what was wrong."""
    failures = getattr(error, "exceptions", None) or [error]
    for failure in failures:
        title = getattr(failure, "title", type(failure).__name__)
        message = " ".join(str(getattr(failure, "message", failure)).split())[:400]
        yield f"{case.operation.label} as {role}: {title}: {message}"


def test_every_operation_as_every_role(live_server, demo_data):
    document = openapi()
    base_url = f"{live_server.url}/api/v1"
    document["servers"] = [{"url": base_url}]
    schema = schemathesis.openapi.from_dict(document)
    tokens = _tokens()
    real_ids = _real_ids()
    session = requests.Session()
    findings, calls = [], []

    for result in schema.get_all_operations():
        operation = result.ok()

        @hypothesis.seed(SEED)
        @hypothesis.settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=_strategy(operation, real_ids))
        def run(case):
            for role, token in tokens.items():
                calls.append(1)
                try:
                    case.call_and_validate(
                        base_url=base_url,
                        session=session,
                        headers={"Authorization": f"Token {token}"},
                        checks=CHECKS,
                        timeout=60,
                    )
                except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every finding, reported together
                    findings.extend(_describe(case, role, error))
            if case.operation.method.upper() == "DELETE" and case.operation.path == "/auth/token":
                tokens.update(_tokens())  # the case revoked the tokens it was sent with

        run()

    assert calls, "no operation was exercised"
    distinct = sorted(set(findings))
    assert not distinct, f"{len(distinct)} findings in {len(calls)} calls:\n" + "\n".join(distinct)
