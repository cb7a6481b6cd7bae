"""Every change to the analysis makes a new immutable version; later steps keep theirs."""

import pytest
from django.db import ProgrammingError, connection, transaction

from accounts.models import Role
from accounts.selectors import membership_with_role
from intake import services as intake_services
from intake.models import ExplanatoryAnalysis
from tests.placement.factories import ANALYSIS, make_request

NEED_PROFILE = {"care_types": ["gezinshuis"], "specialisations": ["lvb"], "intensity": "T", "security": "open"}


@pytest.mark.django_db
def test_each_change_is_a_new_version_and_the_request_points_to_the_latest(referrer):
    membership = membership_with_role(referrer, Role.REFERRER)
    placement_request = make_request(referrer)
    first = placement_request.analysis
    assert first.version == 1
    second = intake_services.analysis_save(
        placement_request=placement_request, data={"goals": "Nieuwe doelen"}, by=referrer, membership=membership
    )
    assert second.version == 2 and second.previous == first
    assert second.goals == "Nieuwe doelen" and second.presenting_problems == first.presenting_problems
    first.refresh_from_db()
    assert first.goals == ANALYSIS["goals"]  # the old version is unchanged
    placement_request.refresh_from_db()
    assert placement_request.analysis == second
    # Saving the same content again makes no new version.
    same = intake_services.analysis_save(
        placement_request=placement_request, data={"goals": "Nieuwe doelen"}, by=referrer, membership=membership
    )
    assert same == second and ExplanatoryAnalysis.objects.filter(request=placement_request).count() == 2


@pytest.mark.django_db
def test_versions_cannot_be_changed_or_deleted_in_the_database(referrer):
    version = make_request(referrer).analysis
    with pytest.raises(ProgrammingError, match="Cannot update or delete"), transaction.atomic():
        ExplanatoryAnalysis.objects.filter(pk=version.pk).update(goals="overschreven")
    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM analyses_explanatoryanalysis WHERE id = %s", [version.pk])
    assert ExplanatoryAnalysis.objects.filter(pk=version.pk).exists()


@pytest.mark.django_db
def test_triage_keeps_the_version_it_used(referrer, coordinator):
    placement_request = make_request(referrer, submit=True)
    used = placement_request.analysis
    intake_services.request_triage(
        placement_request=placement_request,
        decision="matching",
        by=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
    )
    placement_request.refresh_from_db()
    assert placement_request.triage_analysis == used


@pytest.mark.django_db
def test_api_put_and_patch_create_versions(api, referrer):
    placement_request = make_request(referrer, complete=False)
    api.as_user(referrer)
    sections = {
        k: v for k, v in ANALYSIS.items() if k not in NEED_PROFILE and k not in ("max_distance_km", "school_continuity")
    }
    response = api.put(
        f"/api/v1/requests/{placement_request.pk}/analysis",
        {**sections, "need_profile": {**NEED_PROFILE, "max_distance_km": 30, "preferred_region": "JZ14"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    assert response.json()["need_profile"]["care_types"] == ["gezinshuis"]
    assert response.json()["need_profile"]["preferred_region"] == "JZ14"
    response = api.patch(
        f"/api/v1/requests/{placement_request.pk}/analysis", {"need_profile": {"intensity": "P"}}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2 and body["need_profile"]["intensity"] == "P"
    assert body["need_profile"]["care_types"] == ["gezinshuis"] and body["goals"] == ANALYSIS["goals"]
    assert list(ExplanatoryAnalysis.objects.filter(request=placement_request).values_list("intensity", flat=True)) == [
        "T",
        "P",
    ]


@pytest.mark.django_db
def test_api_analysis_without_need_profile_is_422_and_nothing_is_stored(api, referrer):
    placement_request = make_request(referrer, complete=False)
    api.as_user(referrer)
    response = api.put(f"/api/v1/requests/{placement_request.pk}/analysis", {"goals": "Alleen doelen"}, format="json")
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["need_profile"]
    response = api.patch(f"/api/v1/requests/{placement_request.pk}/analysis", {"goals": "Alleen doelen"}, format="json")
    assert response.status_code == 422
    assert {p["name"] for p in response.json()["invalid_params"]} >= {
        "need_profile.care_types",
        "need_profile.intensity",
    }
    response = api.put(
        f"/api/v1/requests/{placement_request.pk}/analysis",
        {"goals": "x", "need_profile": {**NEED_PROFILE, "intensity": "A", "care_types": ["Geen Slug!"]}},
        format="json",
    )
    assert response.status_code == 422
    assert {p["name"] for p in response.json()["invalid_params"]} == {
        "need_profile.intensity",
        "need_profile.care_types.0",
    }
    assert not ExplanatoryAnalysis.objects.filter(request=placement_request).exists()


@pytest.mark.django_db
def test_submitted_request_analysis_cannot_be_changed_by_the_referrer(api, referrer):
    placement_request = make_request(referrer, submit=True)
    response = api.as_user(referrer).patch(
        f"/api/v1/requests/{placement_request.pk}/analysis", {"goals": "Later gewijzigd"}, format="json"
    )
    assert response.status_code == 409
    assert ExplanatoryAnalysis.objects.filter(request=placement_request).count() == 1
