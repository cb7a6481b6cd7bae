"""Schemathesis beyond single calls (issue 14.7, api-spec2): the stateful phase and the
negative phase, against the live server with the demo data in place.

- Stateful: Schemathesis follows the OpenAPI links of the served document (a list to its
  first item, POST /requests to GET /requests/{id} and its submit, an offer to its accept,
  decline and withdraw, ...) as a state machine, once per role that can walk them. Bounded:
  `SCHEMATHESIS_STATEFUL_EXAMPLES` scenarios of at most `SCHEMATHESIS_STATEFUL_STEPS`
  steps per role, a fixed seed.
- Negative: data that does NOT fit the document (wrong types, missing required fields,
  values out of range, unknown fields) for every operation, as every role. Bounded:
  `SCHEMATHESIS_NEGATIVE_EXAMPLES` cases per operation, a fixed seed.

Both fail on any 5xx, a status code the document does not list, a content type it does
not list (so every error is problem+json: that is all the document lists for errors), a
body that does not fit its schema or a missing documented header (API-Version); every
finding of the run is listed at once.
"""

import os

import hypothesis
import requests
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode

from tests.api.spec import openapi
from tests.api.test_schemathesis import CHECKS, SEED, _describe, _real_ids, _tokens, demo_data  # noqa: F401

STATEFUL_EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "4"))
STATEFUL_STEPS = int(os.environ.get("SCHEMATHESIS_STATEFUL_STEPS", "6"))
NEGATIVE_EXAMPLES = int(os.environ.get("SCHEMATHESIS_NEGATIVE_EXAMPLES", "1"))
# the roles whose journeys the links describe: filing (referrer), triage, matching and offers
# (coordinator), answering offers and availability (provider), the pool (behavioural
# scientist), everything (admin)
STATEFUL_ROLES = ("referrer", "coordinator", "provider", "behavioural_scientist", "admin")
PROBLEM_JSON = "application/problem+json"


def _schema(live_server):
    document = openapi()
    base_url = f"{live_server.url}/api/v1"
    document["servers"] = [{"url": base_url}]
    return schemathesis.openapi.from_dict(document), base_url


def _errors_are_problems(response, case):
    """Every 4xx/5xx is problem+json (a check of its own, so a documented-but-wrong media
    type cannot slip through content_type_conformance)."""
    if response.status_code >= 400:
        media = (response.headers.get("content-type") or [""])[0]
        assert media.split(";")[0].strip() == PROBLEM_JSON, f"{response.status_code} answered as {media!r}"


def _machine(schema, base_url, session, role, token, findings, steps):
    base = schema.as_state_machine()

    class Machine(base):
        def get_call_kwargs(self, case):
            return {
                "base_url": base_url,
                "session": session,
                "headers": {"Authorization": f"Token {token}"},
                "timeout": 60,
            }

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            steps.append(case.operation.label)
            try:
                case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)
                _errors_are_problems(response, case)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every finding, reported together
                findings.extend(_describe(case, role, error))

    Machine.__name__ = f"Stateful_{role}"
    return hypothesis.seed(SEED)(Machine)


def test_stateful_phase_follows_the_links_as_every_role(live_server, demo_data):  # noqa: F811
    schema, base_url = _schema(live_server)
    tokens = _tokens()
    session = requests.Session()
    findings, steps = [], []
    settings = hypothesis.settings(
        max_examples=STATEFUL_EXAMPLES,
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for role in STATEFUL_ROLES:
        machine = _machine(schema, base_url, session, role, tokens[role], findings, steps)
        machine.run(settings=settings)

    linked = set(steps)
    assert len(steps) >= len(STATEFUL_ROLES) * STATEFUL_EXAMPLES, steps
    # the walk went past the roots: at least one linked detail or move was reached
    assert any("{id}" in label for label in linked), sorted(linked)
    distinct = sorted(set(findings))
    assert not distinct, f"{len(distinct)} findings in {len(steps)} steps:\n" + "\n".join(distinct)


def test_negative_phase_every_operation_as_every_role(live_server, demo_data):  # noqa: F811
    schema, base_url = _schema(live_server)
    tokens = _tokens()
    real_ids = _real_ids()
    session = requests.Session()
    findings, calls, statuses = [], [], []

    def negative(operation, fixed):
        strategy = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE, path_parameters=fixed or None)

        @hypothesis.seed(SEED)
        @hypothesis.settings(
            max_examples=NEGATIVE_EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @hypothesis.given(case=strategy)
        def run(case):
            for role, token in tokens.items():
                calls.append(1)
                try:
                    response = case.call(
                        base_url=base_url,
                        session=session,
                        headers={"Authorization": f"Token {token}"},
                        timeout=60,
                    )
                    statuses.append(response.status_code)
                    case.validate_response(response, checks=CHECKS)
                    _errors_are_problems(response, case)
                except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - every finding, reported together
                    findings.extend(_describe(case, role, error))

        run()

    without_inputs = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE" and operation.path == "/auth/token":
            continue  # revokes the token it is sent with; its bad input is a header, covered positively
        segment = operation.path.strip("/").split("/")[0]
        names = [p.name for p in operation.path_parameters]
        fixed = {}
        if len(names) == 1 and real_ids.get(segment):
            fixed = {names[0]: real_ids[segment][0]}  # a real object, so the body is what is wrong
        try:
            negative(operation, fixed)
        except hypothesis.errors.Unsatisfiable:
            # nothing but the path can be wrong (no body, no query): a wrong path parameter then
            try:
                negative(operation, {})
            except hypothesis.errors.Unsatisfiable:
                # Schemathesis makes no invalid value for an integer id in the path (any text
                # there is a valid path segment); test_errors_everywhere.py::test_no_path_parameter_of_any_
                # operation_gives_a_5xx sweeps those ids for every operation and role.
                inputs = [*operation.query, *operation.body]
                without_inputs.append((operation.label, len(inputs)))

    # only an operation whose only input is a path id has no negative data
    assert [label for label, inputs in without_inputs if inputs] == []
    assert calls, "no operation was exercised"
    assert any(400 <= status < 500 for status in statuses), "negative data was never refused"
    distinct = sorted(set(findings))
    assert not distinct, f"{len(distinct)} findings in {len(calls)} calls:\n" + "\n".join(distinct)
