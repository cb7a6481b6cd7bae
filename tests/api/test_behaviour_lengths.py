"""Issue 14 (api-behaviour): every free text is bounded (core/limits.py), in the API and the UI.

An analysis section or a wish of 1,000,000 characters is refused: 422 naming the field
in the API, the message next to the field in the UI; nothing is written. Exactly the
limit is accepted. The limit is in the schema (maxLength).
"""

import pytest

from accounts.models import Role
from core.limits import FREE_TEXT_MAX_LENGTH
from intake.models import PlacementRequest
from tests.api.test_conventions import assert_problem
from tests.placement.factories import ANALYSIS, make_request
from tests.placement.test_api import create_body

HUGE = "x" * 1_000_000
OVER = "x" * (FREE_TEXT_MAX_LENGTH + 1)
AT_LIMIT = "x" * FREE_TEXT_MAX_LENGTH


@pytest.mark.django_db
@pytest.mark.parametrize("text", [HUGE, OVER], ids=["million", "one-over"])
def test_api_refuses_an_analysis_section_over_the_limit(api, referrer, text):
    placement_request = make_request(referrer)
    client = api.as_user(referrer)
    path = f"/api/v1/requests/{placement_request.pk}/analysis"
    before = client.get(f"/api/v1/requests/{placement_request.pk}").json()["analysis"]
    body = assert_problem(client.patch(path, {"presenting_problems": text}, format="json"), 422)
    assert [p["name"] for p in body["invalid_params"]] == ["presenting_problems"]
    assert client.get(f"/api/v1/requests/{placement_request.pk}").json()["analysis"] == before


@pytest.mark.django_db
def test_api_accepts_exactly_the_limit(api, referrer):
    placement_request = make_request(referrer)
    response = api.as_user(referrer).patch(
        f"/api/v1/requests/{placement_request.pk}/analysis", {"presenting_problems": AT_LIMIT}, format="json"
    )
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["presenting_problems"]) == FREE_TEXT_MAX_LENGTH


@pytest.mark.django_db
def test_api_refuses_long_wishes_plans_and_alternatives_on_create_naming_each(api, referrer):
    body = create_body(
        wishes={"youth": HUGE, "parents": "Dichtbij"},
        safety_plan={"risks": OVER, "agreements": "Bellen"},
        alternatives=[{"form": "ambulant", "description": OVER, "why_insufficient": "Te licht"}],
    )
    problem = assert_problem(api.as_user(referrer).post("/api/v1/requests", body, format="json"), 422)
    names = {p["name"] for p in problem["invalid_params"]}
    assert {"wishes.youth", "safety_plan.risks", "alternatives.0.description"} <= names
    assert not PlacementRequest.objects.exists()


@pytest.mark.django_db
def test_long_text_wrong_role_403_outsider_404(api, referrer, make_member):
    placement_request = make_request(referrer)
    path = f"/api/v1/requests/{placement_request.pk}/analysis"
    assert_problem(api.as_user(make_member(Role.PROVIDER)).patch(path, {"goals": OVER}, format="json"), 403)
    assert_problem(api.as_user(make_member(Role.REFERRER)).patch(path, {"goals": OVER}, format="json"), 404)


@pytest.mark.django_db
def test_ui_analysis_step_shows_the_limit_next_to_the_field(client, referrer):
    placement_request = make_request(referrer, complete=False)
    client.force_login(referrer)
    response = client.post(
        f"/referrer/requests/{placement_request.pk}/analysis/",
        {**{k: v for k, v in ANALYSIS.items() if isinstance(v, str)}, "presenting_problems": HUGE, "goals": OVER},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("10000 tekens") >= 2 or html.count("10.000 tekens") >= 2, html[:2000]
    assert 'maxlength="10000"' in html
    assert 'aria-invalid="true"' in html
    assert not placement_request.analysis_versions.exists()


@pytest.mark.django_db
def test_limits_are_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    analysis = next(v for k, v in components.items() if k.endswith("AnalysisInput"))
    assert analysis["properties"]["presenting_problems"]["maxLength"] == FREE_TEXT_MAX_LENGTH
    assert components["WishesInput"]["properties"]["youth"]["maxLength"] == FREE_TEXT_MAX_LENGTH
    assert components["DeclineInput"]["properties"]["motivation"]["maxLength"] == 5000  # its own limit kept
