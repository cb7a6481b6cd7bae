"""The retention policy per region: defaults, bounds, who may change it."""

import pytest

from accounts.models import Region, Role
from core.errors import Invalid
from core.models import Event
from privacy import services
from privacy.models import DEFAULTS, RetentionPolicy, policy_errors
from tests.accounts.factories import member

pytestmark = pytest.mark.django_db

VALID = {"identity_years": 15, "document_years": 3, "notification_months": 12, "access_log_years": 10}


def test_every_region_gets_a_policy_with_the_argued_defaults(twente):
    policies = services.retention_policies_ensure()
    assert len(policies) == Region.objects.count() > 40
    twente_policy = RetentionPolicy.objects.get(region=twente)
    assert {name: getattr(twente_policy, name) for name in DEFAULTS} == {
        "identity_years": 20,  # Jeugdwet art. 7.3.8 (twenty years since 2020)
        "document_years": 2,
        "notification_months": 6,
        "access_log_years": 20,  # at least five (NEN 7513); the app never deletes it
    }
    services.retention_policies_ensure()  # idempotent
    assert RetentionPolicy.objects.count() == Region.objects.count()


def test_policy_errors_name_every_field_outside_its_bounds():
    assert policy_errors(VALID) == {}
    errors = policy_errors(
        {"identity_years": 21, "document_years": 0, "notification_months": 25, "access_log_years": 4}
    )
    assert set(errors) == {"identity_years", "document_years", "notification_months", "access_log_years"}
    assert "5" in errors["access_log_years"]  # "Kies een waarde van 5 tot en met 30."
    assert set(policy_errors({**VALID, "document_years": 16})) == {"document_years"}  # longer than identity
    assert set(policy_errors({**VALID, "identity_years": None})) == {"identity_years"}


def test_the_database_refuses_a_term_outside_its_bounds(twente):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionPolicy.objects.create(region=twente, access_log_years=4)


def test_coordinator_changes_own_region_and_an_event_records_it(client, coordinator, twente, password):
    from accounts.selectors import membership_with_role

    membership = membership_with_role(coordinator, Role.COORDINATOR)
    policy = services.retention_policy_update(membership=membership, region_id=twente.pk, data=VALID, by=coordinator)
    assert (policy.identity_years, policy.document_years, policy.updated_by) == (15, 3, coordinator)
    event = Event.objects.get(event_type="retention_policy_changed", subject_id=policy.pk)
    assert event.details["before"]["identity_years"] == 20 and event.details["after"]["identity_years"] == 15


def test_form_shows_every_error_next_to_its_field_and_saves_nothing(client, coordinator, twente, password):
    client.force_login(coordinator)
    url = f"/retention/{twente.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"identity_years": "21", "document_years": "abc", "notification_months": "0", "access_log_years": "3"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    for name in ("identity_years", "document_years", "notification_months", "access_log_years"):
        assert f'id="id_{name}-error"' in html, name
    assert "Vul een heel getal in." in html and "Kies een waarde van 5 tot en met 30." in html
    policy = RetentionPolicy.objects.get(region=twente)
    assert policy.identity_years == 20 and policy.access_log_years == 20 and policy.updated_by is None
    assert not Event.objects.filter(event_type="retention_policy_changed").exists()

    response = client.post(url, {k: str(v) for k, v in VALID.items()})
    assert response.status_code == 302
    assert RetentionPolicy.objects.get(region=twente).notification_months == 12


def test_documents_longer_than_identity_is_refused_next_to_documents(client, admin_user, twente, password):
    client.force_login(admin_user)
    response = client.post(f"/retention/{twente.pk}/", {**VALID, "identity_years": "5", "document_years": "6"})
    assert response.status_code == 422
    assert 'id="id_document_years-error"' in response.content.decode()
    assert 'id="id_identity_years-error"' not in response.content.decode()
    assert RetentionPolicy.objects.get(region=twente).identity_years == 20


def test_who_may_change_which_region(client, twente, drenthe, coordinator, contract_manager, admin_user, password):
    referrer = member(Role.REFERRER)
    provider = member(Role.PROVIDER)
    for user in (referrer, provider):
        client.force_login(user)
        assert client.get("/retention/").status_code == 403
        assert client.post(f"/retention/{twente.pk}/", VALID).status_code == 403
    client.force_login(coordinator)
    assert client.post(f"/retention/{drenthe.pk}/", VALID).status_code == 404  # another region
    page = client.get("/retention/").content.decode()
    assert "Twente" in page and "Drenthe" not in page
    client.force_login(contract_manager)
    assert client.post(f"/retention/{twente.pk}/", VALID).status_code == 302
    client.force_login(admin_user)
    assert client.post(f"/retention/{drenthe.pk}/", VALID).status_code == 302  # the administrator: every region
    assert RetentionPolicy.objects.get(region=drenthe).identity_years == 15


def test_service_refuses_invalid_data_with_every_field(coordinator, twente):
    from accounts.selectors import membership_with_role

    membership = membership_with_role(coordinator, Role.COORDINATOR)
    with pytest.raises(Invalid) as error:
        services.retention_policy_update(
            membership=membership, region_id=twente.pk, data={"identity_years": 1}, by=coordinator
        )
    assert {p["name"] for p in error.value.invalid_params} == set(DEFAULTS)
    assert not RetentionPolicy.objects.filter(region=twente, updated_by__isnull=False).exists()
