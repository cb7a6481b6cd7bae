"""Four-eyes for privileges (issue 10, point 2): an administrator asks, a second one
approves or refuses; nobody grants anything to themselves; every step and every refused
attempt is an event; the Django admin offers no way around it."""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts import services
from accounts.models import Membership, Organisation, Role, RoleGrantRequest, User
from core.errors import Forbidden, Invalid, TransitionNotAllowed
from core.events import events_for
from core.models import AccessLogEntry, Event
from tests.accounts.factories import OrganisationFactory, UserFactory, member


@pytest.fixture
def office(db):
    return OrganisationFactory(kind=Organisation.Kind.COORDINATION)


@pytest.fixture
def beheer(db):
    return OrganisationFactory(kind=Organisation.Kind.ADMINISTRATION, name="Functioneel beheer")


@pytest.fixture
def admins(beheer):
    """Three administrators of the same organisation; the first two are also Django
    superusers (as the demo administrator is)."""
    first = member(Role.ADMIN, organisation=beheer, is_staff=True, is_superuser=True)
    second = member(Role.ADMIN, organisation=beheer, is_staff=True, is_superuser=True)
    third = member(Role.ADMIN, organisation=beheer)
    return first, second, third


def _ask(by, user, organisation, regions, role=Role.COORDINATOR, reason="Nieuwe collega"):
    return services.role_grant_request(
        by=by, user=user, organisation=organisation, role=role, regions=regions, reason=reason
    )


def _refusals(by, cause):
    return Event.objects.filter(event_type="privilege_change_refused", actor=by, reason_code=cause)


@pytest.mark.django_db
def test_an_administrator_asking_a_role_for_themselves_is_refused_and_logged(admins, office, twente):
    admin, _other, _third = admins
    with pytest.raises(Forbidden):
        _ask(admin, admin, office, [twente])
    assert not RoleGrantRequest.objects.exists()
    assert not Membership.objects.filter(user=admin, organisation=office).exists()
    refusal = _refusals(admin, "self_grant").get()
    assert refusal.subject_type == "accounts.user" and refusal.subject_id == admin.pk
    assert refusal.details["organisation"] == office.pk and refusal.details["role"] == Role.COORDINATOR


@pytest.mark.django_db
def test_a_second_administrator_approves_and_the_membership_exists_with_events(admins, office, twente, drenthe):
    asker, approver, _third = admins
    colleague = UserFactory()
    grant = _ask(asker, colleague, office, [twente, drenthe])
    assert not Membership.objects.filter(user=colleague).exists()  # nothing before approval
    services.role_grant_approve(grant=grant, by=approver)
    membership = Membership.objects.get(user=colleague, organisation=office, role=Role.COORDINATOR, is_active=True)
    assert {r.pk for r in membership.regions.all()} == {twente.pk, drenthe.pk}
    grant.refresh_from_db()
    assert (grant.status, grant.decided_by, grant.requested_by) == ("approved", approver, asker)
    assert [(e.event_type, e.actor) for e in events_for(grant)] == [
        ("role_grant_requested", asker),
        ("role_grant_approved", approver),
    ]
    granted = events_for(membership).get(event_type="membership_granted")
    assert granted.actor == approver and granted.details["requested_by"] == asker.pk
    assert granted.from_state == "none" and sorted(granted.details["regions_added"]) == sorted([twente.pk, drenthe.pk])


@pytest.mark.django_db
def test_reactivating_a_membership_and_adding_regions_are_grants_too(admins, office, twente, drenthe):
    asker, approver, _third = admins
    colleague = member(Role.COORDINATOR, organisation=office, regions=[twente])
    membership = Membership.objects.get(user=colleague)
    services.membership_deactivate(membership=membership, by=asker)  # taking away: one administrator
    assert events_for(membership).filter(event_type="membership_deactivated", actor=asker).exists()
    with pytest.raises(Invalid) as error:  # a region-scoped role needs a region (the membership rule)
        _ask(asker, colleague, office, [])
    assert error.value.invalid_params[0]["name"] == "regions"
    grant = _ask(asker, colleague, office, [drenthe])
    membership.refresh_from_db()
    assert not membership.is_active
    services.role_grant_approve(grant=grant, by=approver)
    membership.refresh_from_db()
    assert membership.is_active and {r.pk for r in membership.regions.all()} == {twente.pk, drenthe.pk}
    event = events_for(membership).get(event_type="membership_granted")
    assert event.from_state == "inactive" and event.details["regions_added"] == [drenthe.pk]
    # Nothing left to grant: refused with a message on the field.
    with pytest.raises(Invalid) as error:
        _ask(asker, colleague, office, [drenthe])
    assert error.value.invalid_params[0]["name"] == "role"


@pytest.mark.django_db
def test_the_role_must_fit_the_organisation_kind(admins, office):
    asker, _approver, _third = admins
    with pytest.raises(Invalid) as error:
        _ask(asker, UserFactory(), office, [], role=Role.PROVIDER, reason="")
    names = {p["name"] for p in error.value.invalid_params}
    assert names == {"organisation", "reason"}  # all problems at once
    assert not RoleGrantRequest.objects.exists()


@pytest.mark.django_db
def test_the_requester_and_the_grantee_cannot_decide(admins, office, twente):
    asker, other, third = admins
    grant = _ask(asker, UserFactory(), office, [twente])
    with pytest.raises(Forbidden):
        services.role_grant_approve(grant=grant, by=asker)
    with pytest.raises(Forbidden):
        services.role_grant_refuse(grant=grant, by=asker, reason="toch niet")
    assert _refusals(asker, "own_request").count() == 2
    # An administrator asked a role for another administrator: that one cannot approve it.
    for_other = _ask(asker, other, office, [twente])
    with pytest.raises(Forbidden):
        services.role_grant_approve(grant=for_other, by=other)
    assert _refusals(other, "own_grant").exists()
    assert not Membership.objects.filter(organisation=office).exists()
    assert RoleGrantRequest.objects.filter(status="pending").count() == 2
    # A third administrator may.
    services.role_grant_approve(grant=for_other, by=third)
    assert Membership.objects.filter(user=other, organisation=office, is_active=True).exists()
    # Refusing needs a reason, and refuses.
    with pytest.raises(Invalid):
        services.role_grant_refuse(grant=grant, by=third, reason=" ")
    services.role_grant_refuse(grant=grant, by=third, reason="Geen dienstverband")
    grant.refresh_from_db()
    assert grant.status == "refused" and events_for(grant).filter(event_type="role_grant_refused").exists()
    with pytest.raises(TransitionNotAllowed):
        services.role_grant_approve(grant=grant, by=other)


@pytest.mark.django_db
@pytest.mark.parametrize("decider", ["requested_by", "user"])
def test_the_database_refuses_a_decision_by_requester_or_grantee(admins, office, twente, decider):
    asker, _other, _third = admins
    grant = _ask(asker, UserFactory(), office, [twente])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrantRequest.objects.filter(pk=grant.pk).update(
            status="approved", decided_by=getattr(grant, decider), decided_at=timezone.now()
        )


@pytest.mark.django_db
def test_the_database_refuses_a_request_for_oneself(admins, office):
    asker, _other, _third = admins
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrantRequest.objects.create(
            user=asker, requested_by=asker, organisation=office, role=Role.COORDINATOR, reason="x"
        )


@pytest.mark.django_db
def test_staff_and_superuser_rights_are_four_eyes(admins):
    asker, approver, _third = admins
    colleague = UserFactory()
    with pytest.raises(Forbidden):
        services.role_grant_request(by=asker, user=asker, kind="superuser", reason="x")
    grant = services.role_grant_request(by=asker, user=colleague, kind="staff", reason="Beheert taxonomieën")
    colleague.refresh_from_db()
    assert not colleague.is_staff
    services.role_grant_approve(grant=grant, by=approver)
    colleague.refresh_from_db()
    assert colleague.is_staff and not colleague.is_superuser
    assert events_for(colleague).filter(event_type="user_privilege_granted", to_state="staff").exists()


@pytest.mark.django_db
def test_only_administrators_ask_and_decide(admins, office, twente, coordinator):
    asker, _other, _third = admins
    superuser_only = UserFactory(is_staff=True, is_superuser=True)  # no administrator membership
    with pytest.raises(Forbidden):
        _ask(superuser_only, UserFactory(), office, [twente])
    grant = _ask(asker, UserFactory(), office, [twente])
    for outsider in (superuser_only, coordinator):
        with pytest.raises(Forbidden):
            services.role_grant_approve(grant=grant, by=outsider)
    assert RoleGrantRequest.objects.get(pk=grant.pk).status == "pending"


# --- the product's pages ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pages_ask_list_approve_and_refuse(client, admins, office, twente, coordinator):
    asker, approver, _third = admins
    colleague = UserFactory(username="nieuwe.collega")
    client.force_login(asker)
    home = client.get("/administration/")
    assert "/administration/role-grants/" in home.content.decode()
    form = {"username": "nieuwe.collega", "kind": "membership", "organisation": office.pk, "role": "coordinator"}
    # Bad input: every problem named next to its field, nothing written.
    response = client.post("/administration/role-grants/", {**form, "reason": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'aria-invalid="true"' in page and "kies er minstens één" in page and "Geef aan waarom" in page
    response = client.post("/administration/role-grants/", {**form, "username": "onbekend", "reason": "x"})
    assert response.status_code == 422 and "Er is geen gebruiker" in response.content.decode()
    assert not RoleGrantRequest.objects.exists()
    # Asking for oneself: refused on the page and logged.
    response = client.post(
        "/administration/role-grants/", {**form, "username": asker.username, "regions": [twente.pk], "reason": "x"}
    )
    assert response.status_code == 403 and _refusals(asker, "self_grant").exists()
    response = client.post("/administration/role-grants/", {**form, "regions": [twente.pk], "reason": "Start 1 jan"})
    assert response.status_code == 302
    grant = RoleGrantRequest.objects.get()
    page = client.get("/administration/role-grants/").content.decode()
    assert "nieuwe.collega" in page and "Een andere beheerder beslist" in page
    assert f"/administration/role-grants/{grant.pk}/approve/" not in page
    assert client.post(f"/administration/role-grants/{grant.pk}/approve/").status_code == 403
    assert not Membership.objects.filter(user=colleague).exists()
    # Another role may not come here at all.
    client.force_login(coordinator)
    assert client.get("/administration/role-grants/").status_code == 403
    assert client.post(f"/administration/role-grants/{grant.pk}/approve/").status_code == 403
    client.force_login(approver)
    page = client.get("/administration/role-grants/").content.decode()
    assert f"/administration/role-grants/{grant.pk}/approve/" in page
    assert client.post(f"/administration/role-grants/{grant.pk}/approve/").status_code == 302
    assert Membership.objects.filter(user=colleague, organisation=office, is_active=True).exists()
    assert client.post(f"/administration/role-grants/{grant.pk}/approve/").status_code == 409
    assert client.post("/administration/role-grants/999999/approve/").status_code == 404
    second = _ask(asker, UserFactory(), office, [twente])
    response = client.post(f"/administration/role-grants/{second.pk}/refuse/", {"reason": ""})
    assert response.status_code == 422 and RoleGrantRequest.objects.get(pk=second.pk).status == "pending"
    client.post(f"/administration/role-grants/{second.pk}/refuse/", {"reason": "Onbekende persoon"})
    assert RoleGrantRequest.objects.get(pk=second.pk).status == "refused"


# --- the Django admin offers no way around it ----------------------------------------------


@pytest.mark.django_db
def test_a_superuser_cannot_grant_a_membership_through_the_django_admin(client, admins, twente):
    admin, _other, _third = admins
    provider = OrganisationFactory(kind=Organisation.Kind.PROVIDER)
    client.force_login(admin)
    # Memberships are read-only: no add, no change, no delete.
    add = {"user": admin.pk, "organisation": provider.pk, "role": "provider", "is_active": "on"}
    assert client.get("/admin/accounts/membership/add/").status_code == 403
    assert client.post("/admin/accounts/membership/add/", add).status_code == 403
    own = Membership.objects.get(user=admin)
    change = {"user": admin.pk, "organisation": provider.pk, "role": "provider", "is_active": "on"}
    assert client.post(f"/admin/accounts/membership/{own.pk}/change/", change).status_code == 403
    assert client.post(f"/admin/accounts/membership/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    # Through the user page: the membership inline and the privilege fields are ignored.
    target = UserFactory(username="doelwit")
    response = client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {
            "username": "doelwit",
            "first_name": "Doel",
            "last_name": "Wit",
            "email": "doel@example.org",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-organisation": provider.pk,
            "memberships-0-role": "provider",
            "memberships-0-is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.first_name == "Doel"
    assert not target.is_staff and not target.is_superuser
    assert not Membership.objects.filter(organisation=provider).exists()
    changed = events_for(target).get(event_type="user_changed")
    assert changed.actor == admin and "first_name" in changed.details["changed"]
    assert "is_superuser" not in changed.details["changed"]
    # The four-eyes queue itself is read-only in the admin.
    grant = _ask(admin, target, provider, [], role=Role.PROVIDER)
    change = {"status": "approved", "decided_by": admin.pk}
    assert client.post(f"/admin/accounts/rolegrantrequest/{grant.pk}/change/", change).status_code == 403
    assert RoleGrantRequest.objects.get(pk=grant.pk).status == "pending"


@pytest.mark.django_db
def test_a_superuser_without_an_administrator_membership_gets_no_accounts_admin(client, office):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get(f"/admin/accounts/organisation/{office.pk}/change/").status_code == 403
    assert client.get("/admin/accounts/membership/").status_code == 403


@pytest.mark.django_db
def test_organisation_changes_in_the_django_admin_go_through_the_service(client, admins, office, twente, drenthe):
    admin, _other, _third = admins
    member(Role.COORDINATOR, organisation=office, regions=[twente])
    client.force_login(admin)
    data = {
        "name": "Nieuw coördinatiepunt",
        "kind": "coordination",
        "regions": [twente.pk, drenthe.pk],
        "is_active": "on",
    }
    assert client.post(f"/admin/accounts/organisation/{office.pk}/change/", data).status_code == 302
    office.refresh_from_db()
    assert office.name == "Nieuw coördinatiepunt"
    event = events_for(office).get(event_type="organisation_changed")
    assert event.actor == admin and event.details["regions_after"] == sorted([twente.pk, drenthe.pk])
    assert set(event.details["changed"]) >= {"name", "regions"}
    # A kind its members' roles do not fit is refused next to the field (the same rule).
    response = client.post(f"/admin/accounts/organisation/{office.pk}/change/", {**data, "kind": "referrer"})
    assert response.status_code == 200 and "past niet bij de rollen" in response.content.decode()
    office.refresh_from_db()
    assert office.kind == "coordination"
    # Added through the admin: an event too.
    response = client.post(
        "/admin/accounts/organisation/add/",
        {"name": "Pool Drenthe", "kind": "expert_pool", "is_active": "on"},
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Pool Drenthe")
    assert events_for(created).filter(event_type="organisation_created", actor=admin).exists()


@pytest.mark.django_db
def test_ending_memberships_in_the_django_admin_is_logged(client, admins, office, twente):
    admin, _other, _third = admins
    colleague = member(Role.COORDINATOR, organisation=office, regions=[twente])
    membership = Membership.objects.get(user=colleague)
    client.force_login(admin)
    response = client.post("/admin/accounts/membership/", {"action": "deactivate", "_selected_action": [membership.pk]})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    assert events_for(membership).filter(event_type="membership_deactivated", actor=admin).exists()


@pytest.mark.django_db
def test_nobody_edits_or_deletes_the_logs_in_the_django_admin(client, admins):
    admin, _other, _third = admins
    event = Event.objects.create(subject_type="accounts.user", subject_id=admin.pk, event_type="x")
    entry = AccessLogEntry.objects.create(user=admin, role="admin", subject_type="x", subject_id=1, purpose="x")
    client.force_login(admin)  # a superuser
    for path in (f"/admin/core/event/{event.pk}", f"/admin/core/accesslogentry/{entry.pk}"):
        assert client.post(f"{path}/delete/", {"post": "yes"}).status_code == 403
        assert client.post(f"{path}/change/", {"event_type": "y", "purpose": "y"}).status_code == 403
    assert client.get("/admin/core/event/add/").status_code == 403
    response = client.post("/admin/core/event/", {"action": "delete_selected", "_selected_action": [event.pk]})
    assert Event.objects.filter(pk=event.pk, event_type="x").exists()
    assert AccessLogEntry.objects.filter(pk=entry.pk, purpose="x").exists()
    assert response.status_code in (200, 302)
    assert client.get("/admin/auth/group/").status_code == 404  # groups are not a way around roles


# --- a race ------------------------------------------------------------------------------


def _race(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_administrators_approving_at_once_grant_one_membership(monkeypatch, twente):
    beheer = OrganisationFactory(kind=Organisation.Kind.ADMINISTRATION)
    asker, first, second = (member(Role.ADMIN, organisation=beheer) for _ in range(3))
    office = OrganisationFactory(kind=Organisation.Kind.COORDINATION)
    colleague = UserFactory()
    grant = _ask(asker, colleague, office, [twente])
    apply = services._grant_apply

    def slow_apply(*args, **kwargs):  # widen the window: the other approval arrives meanwhile
        time.sleep(0.3)
        return apply(*args, **kwargs)

    monkeypatch.setattr(services, "_grant_apply", slow_apply)
    results = _race(
        lambda: services.role_grant_approve(grant=grant, by=first),
        lambda: services.role_grant_approve(grant=grant, by=second),
    )
    wins = [r for r in results if isinstance(r, RoleGrantRequest)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], TransitionNotAllowed) and losses[0].status == 409
    assert Membership.objects.filter(user=colleague).count() == 1
    assert Event.objects.filter(event_type="membership_granted").count() == 1
    assert Event.objects.filter(event_type="role_grant_approved").count() == 1
    assert RoleGrantRequest.objects.get(pk=grant.pk).decided_by_id == wins[0].decided_by_id
    assert User.objects.filter(pk=colleague.pk).exists()


@pytest.mark.django_db
def test_deleting_users_in_the_django_admin_is_logged_and_never_oneself(client, admins):
    admin, _other, _third = admins
    leaver = UserFactory()
    client.force_login(admin)
    assert client.post(f"/admin/accounts/user/{admin.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/accounts/user/{leaver.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=leaver.pk).exists()
    event = Event.objects.get(event_type="user_deleted", subject_id=leaver.pk)
    assert event.actor == admin and event.details["username"] == leaver.username


@pytest.mark.django_db
def test_one_pending_request_per_grant(admins, office, twente):
    asker, other, _third = admins
    colleague = UserFactory()
    _ask(asker, colleague, office, [twente])
    with pytest.raises(Invalid) as error:
        _ask(other, colleague, office, [twente])
    assert error.value.invalid_params[0]["name"] == "user"
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        RoleGrantRequest.objects.create(
            user=colleague, requested_by=other, organisation=office, role=Role.COORDINATOR, reason="x"
        )
    services.role_grant_request(by=asker, user=colleague, kind="staff", reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrantRequest.objects.create(user=colleague, requested_by=other, kind="staff", reason="y")
