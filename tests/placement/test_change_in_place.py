"""Issue 11, points 5b and 6: the after-care destination at the end of a placement, changes
in place (intensity, legal status with the machtiging's end date, care type) that are not
transfers, the machtiging watch (beat job, once per end date), the screens and the API
with bad input, and a real race of two changes on the same placement."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Role
from capacity.models import Facility
from core.errors import Forbidden, Invalid, TransitionNotAllowed
from core.events import events_for
from core.models import OutboxMessage
from intake.models import Status, Youth
from placement import selectors, services
from placement.models import MachtigingWarning, Placement, PlacementChange, Transfer
from reporting.reports import transfers as transfers_report
from reporting.reports.common import Scope
from tests.accounts.factories import member
from tests.capacity.factories import care_type
from tests.placement.factories import (
    coordinator_membership,
    fitting_facility,
    in_matching,
    offer_to,
    provider_membership,
)

TODAY = timezone.localdate


def placed(referrer, coordinator, **kwargs):
    placement_request = in_matching(referrer, coordinator, **kwargs)
    facility = fitting_facility()
    staff = member(Role.PROVIDER, organisation=facility.provider)
    offer = offer_to(placement_request, facility, coordinator)
    services.offer_accept(offer=offer, by=staff, membership=provider_membership(staff))
    placement = services.placement_start(
        placement_request=placement_request,
        start_date=TODAY(),
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    # Started a month ago (the start cannot precede the acceptance, so set it afterwards).
    Placement.objects.filter(pk=placement.pk).update(start_date=TODAY() - datetime.timedelta(days=30))
    placement.refresh_from_db()
    placement_request.refresh_from_db()
    return placement_request, placement, facility, staff


def change(placement, user, membership, **values):
    values.setdefault("effective_date", TODAY())
    values.setdefault("reason", "Meer begeleiding nodig")
    return services.placement_change(placement=placement, by=user, membership=membership, **values)


def occupancy(facility):
    f = Facility.objects.get(pk=facility.pk)
    return f.occupied_internal, f.occupied_external, f.held, f.places_staffed


def transfer_figures(coordinator):
    from accounts.selectors import region_ids_of

    scope = Scope(
        region_ids=list(region_ids_of(coordinator_membership(coordinator))),
        start=TODAY() - datetime.timedelta(days=365),
        end=TODAY(),
        suppress=False,
        drill=False,
    )
    return {t.key: t for t in transfers_report.build(scope)}


# --- after-care ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_end_records_the_aftercare_destination_beside_the_cbs_reason(referrer, coordinator):
    placement_request, placement, _facility, _staff = placed(referrer, coordinator)
    services.placement_end(
        placement=placement,
        end_date=TODAY(),
        reason="01",
        destination="lighter_care",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    placement.refresh_from_db()
    assert (placement.end_reason, placement.aftercare_destination) == ("01", "lighter_care")
    event = [e for e in events_for(placement_request) if e.event_type == "placement_ended"][-1]
    assert event.details["aftercare_destination"] == "lighter_care"


@pytest.mark.django_db
def test_the_end_without_a_destination_names_it_and_changes_nothing(referrer, coordinator):
    _request, placement, facility, _staff = placed(referrer, coordinator)
    before = occupancy(facility)
    with pytest.raises(Invalid) as error:
        services.placement_end(
            placement=placement,
            end_date=None,
            reason="",
            destination="somewhere",
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
    assert {p["name"] for p in error.value.invalid_params} == {"end_date", "reason", "destination"}
    placement.refresh_from_db()
    assert placement.end_date is None and placement.aftercare_destination == "" and occupancy(facility) == before


@pytest.mark.django_db
def test_db_refuses_an_ended_placement_without_destination(referrer, coordinator):
    _request, placement, _facility, _staff = placed(referrer, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Placement.objects.filter(pk=placement.pk).update(end_date=TODAY(), end_reason="01")


@pytest.mark.django_db
def test_transfer_report_counts_ended_placements_by_destination(referrer, coordinator):
    for destination in ("home", "lighter_care", "lighter_care"):
        _request, placement, _facility, _staff = placed(referrer, coordinator)
        services.placement_end(
            placement=placement,
            end_date=TODAY(),
            reason="01",
            destination=destination,
            by=coordinator,
            membership=coordinator_membership(coordinator),
        )
    rows = {r["code"]: r["count"] for r in transfer_figures(coordinator)["aftercare"].rows}
    assert rows["lighter_care"] == 2 and rows["home"] == 1 and rows["unknown"] == 0 and rows[""] == 3


# --- change in place ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["coordinator", "staff"])
def test_a_change_of_intensity_keeps_the_placement_and_its_place_and_is_no_transfer(referrer, coordinator, who):
    placement_request, placement, facility, staff = placed(referrer, coordinator)
    assert placement.intensity == "M"  # from the analysis at the start
    user, membership = (
        (coordinator, coordinator_membership(coordinator))
        if who == "coordinator"
        else (staff, provider_membership(staff))
    )
    before = occupancy(facility)
    figures_before = transfer_figures(coordinator)["summary"].rows
    outbox_before = OutboxMessage.objects.count()
    [row] = change(placement, user, membership, intensity="P")
    placement.refresh_from_db()
    placement_request.refresh_from_db()
    assert placement.intensity == "P" and placement.end_date is None
    assert placement_request.status == Status.PLACED
    assert (row.field, row.old_value, row.new_value, row.created_by) == ("intensity", "M", "P", user)
    assert occupancy(facility) == before  # the place is not released
    assert not Transfer.objects.filter(youth=placement.youth).exists()
    assert selectors.transfers_of_youth(placement.youth_id) == 0
    assert transfer_figures(coordinator)["summary"].rows == figures_before  # not a transfer
    event = [e for e in events_for(placement_request) if e.event_type == "placement_changed"][-1]
    assert (event.from_state, event.to_state, event.reason_code) == ("placed", "placed", "intensity")
    recipients = set(
        OutboxMessage.objects.order_by("-pk")[: OutboxMessage.objects.count() - outbox_before].values_list(
            "recipient_id", flat=True
        )
    )
    assert referrer.pk in recipients
    assert (coordinator.pk in recipients) == (who == "staff") and (staff.pk in recipients) == (who == "coordinator")


@pytest.mark.django_db
def test_a_machtiging_and_its_extension_are_recorded_on_the_youth_with_history(referrer, coordinator):
    _request, placement, _facility, _staff = placed(referrer, coordinator)
    membership = coordinator_membership(coordinator)
    first_end = TODAY() + datetime.timedelta(days=90)
    change(placement, coordinator, membership, legal_status="machtiging_gj", machtiging_end_date=first_end)
    youth = Youth.objects.get(pk=placement.youth_id)
    assert (youth.legal_status, youth.machtiging_end_date) == ("machtiging_gj", first_end)
    later = first_end + datetime.timedelta(days=180)
    [extension] = change(placement, coordinator, membership, machtiging_end_date=later, reason="Verlengd door rechter")
    assert (extension.old_value, extension.new_value) == ("machtiging_gj", "machtiging_gj")
    assert (extension.old_end_date, extension.new_end_date) == (first_end, later)
    assert Youth.objects.get(pk=placement.youth_id).machtiging_end_date == later
    change(placement, coordinator, membership, legal_status="ots", reason="Machtiging opgeheven, OTS loopt")
    youth = Youth.objects.get(pk=placement.youth_id)
    assert (youth.legal_status, youth.machtiging_end_date) == ("ots", None)
    assert [c.field for c in selectors.placement_changes(placement)] == ["legal_status"] * 3


@pytest.mark.django_db
def test_a_care_type_change_updates_the_placement(referrer, coordinator):
    _request, placement, _facility, _staff = placed(referrer, coordinator)
    assert placement.care_type.code == "behandelgroep"
    care_type("kwv-open")
    [row] = change(placement, coordinator, coordinator_membership(coordinator), care_type="kwv-open")
    placement.refresh_from_db()
    assert placement.care_type.code == "kwv-open" and (row.old_value, row.new_value) == ("behandelgroep", "kwv-open")


@pytest.mark.django_db
def test_change_bad_input_names_every_field_and_writes_nothing(referrer, coordinator):
    placement_request, placement, _facility, _staff = placed(referrer, coordinator)
    membership = coordinator_membership(coordinator)
    events_before = len(events_for(placement_request))
    with pytest.raises(Invalid) as error:
        change(
            placement,
            coordinator,
            membership,
            effective_date=placement.start_date - datetime.timedelta(days=1),
            reason=" ",
            intensity="A",  # not a G7 band
            care_type="nope",
            legal_status="machtiging_gj",
            machtiging_end_date=None,
        )
    assert {p["name"] for p in error.value.invalid_params} == {
        "effective_date",
        "reason",
        "intensity",
        "care_type",
        "machtiging_end_date",
    }
    with pytest.raises(Invalid) as error:
        change(placement, coordinator, membership, intensity="M")  # the current value: nothing changes
    assert [p["name"] for p in error.value.invalid_params] == ["changes"]
    with pytest.raises(Invalid) as error:
        change(placement, coordinator, membership, legal_status="ots", machtiging_end_date=TODAY())
    assert [p["name"] for p in error.value.invalid_params] == ["machtiging_end_date"]
    placement.refresh_from_db()
    assert placement.intensity == "M" and not PlacementChange.objects.filter(placement=placement).exists()
    assert Youth.objects.get(pk=placement.youth_id).legal_status == "none"
    assert len(events_for(placement_request)) == events_before


@pytest.mark.django_db
def test_closed_care_keeps_a_valid_machtiging(referrer, coordinator):
    _request, placement, facility, _staff = placed(referrer, coordinator)
    Facility.objects.filter(pk=facility.pk).update(security_level="closed")
    Youth.objects.filter(pk=placement.youth_id).update(
        legal_status="machtiging_gj", machtiging_end_date=TODAY() + datetime.timedelta(days=60)
    )
    with pytest.raises(Invalid) as error:
        change(placement, coordinator, coordinator_membership(coordinator), legal_status="none")
    assert [p["name"] for p in error.value.invalid_params] == ["legal_status"]
    assert Youth.objects.get(pk=placement.youth_id).legal_status == "machtiging_gj"
    # An intensity change alone leaves the machtiging as it was: not refused for it.
    Youth.objects.filter(pk=placement.youth_id).update(machtiging_end_date=TODAY() - datetime.timedelta(days=1))
    assert change(placement, coordinator, coordinator_membership(coordinator), intensity="T")[0].new_value == "T"


@pytest.mark.django_db
def test_change_by_others_and_after_the_end_is_refused(referrer, coordinator, coordinator_drenthe):
    placement_request, placement, _facility, _staff = placed(referrer, coordinator)
    other_staff = member(Role.PROVIDER)
    for user, membership in (
        (referrer, None),
        (other_staff, provider_membership(other_staff)),
        (coordinator_drenthe, coordinator_membership(coordinator_drenthe)),
    ):
        with pytest.raises(Forbidden):
            change(placement, user, membership, intensity="P")
    services.placement_end(
        placement=placement,
        end_date=TODAY(),
        reason="02",
        destination="home",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    with pytest.raises(TransitionNotAllowed):
        change(placement, coordinator, coordinator_membership(coordinator), intensity="P")
    assert not PlacementChange.objects.exists()


@pytest.mark.django_db
def test_db_keeps_changes_append_only_and_meaningful(referrer, coordinator):
    _request, placement, _facility, _staff = placed(referrer, coordinator)
    [row] = change(placement, coordinator, coordinator_membership(coordinator), intensity="T")
    with pytest.raises(Exception, match="Cannot update or delete"), transaction.atomic():
        PlacementChange.objects.filter(pk=row.pk).update(reason="anders")
    base = {
        "placement": placement,
        "effective_date": TODAY(),
        "reason": "x",
        "created_by": coordinator,
        "organisation": coordinator_membership(coordinator).organisation,
    }
    for bad in (
        {"field": "intensity", "old_value": "T", "new_value": "T"},  # nothing changes
        {"field": "intensity", "old_value": "T", "new_value": "high"},
        {"field": "legal_status", "old_value": "none", "new_value": "machtiging_gj"},  # no end date
        {"field": "legal_status", "old_value": "none", "new_value": "ots", "reason": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            PlacementChange.objects.create(**{**base, **bad})


# --- the race -----------------------------------------------------------------------------------


@pytest.fixture
def no_outbox_delivery(monkeypatch):
    monkeypatch.setattr("core.outbox._schedule_delivery", lambda message_id: None)


@pytest.mark.django_db(transaction=True)
def test_two_changes_at_once_stay_a_chain(referrer, coordinator, no_outbox_delivery):
    _request, placement, _facility, staff = placed(referrer, coordinator)
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(index, user, membership, band):
        try:
            barrier.wait()
            results[index] = change(placement, user, membership, intensity=band)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(0, coordinator, coordinator_membership(coordinator), "P")),
        threading.Thread(target=run, args=(1, staff, provider_membership(staff), "T")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(isinstance(r, Exception) for r in results), results
    rows = list(PlacementChange.objects.filter(placement=placement).order_by("id"))
    assert len(rows) == 2
    assert rows[0].old_value == "M" and rows[1].old_value == rows[0].new_value  # no lost update
    placement.refresh_from_db()
    assert placement.intensity == rows[1].new_value


# --- the machtiging watch -------------------------------------------------------------------------


def machtiging_in(placement, days):
    Youth.objects.filter(pk=placement.youth_id).update(
        legal_status="machtiging_gj", machtiging_end_date=TODAY() + datetime.timedelta(days=days)
    )


@pytest.mark.django_db
def test_machtiging_watch_warns_coordinators_and_provider_once(referrer, coordinator):
    placement_request, placement, _facility, staff = placed(referrer, coordinator)
    days = placement_request.region.machtiging_warning_days
    machtiging_in(placement, days + 1)
    assert services.machtiging_warnings_send() == 0  # not yet
    machtiging_in(placement, days)
    before = OutboxMessage.objects.count()
    assert services.machtiging_warnings_send() == 1
    told = list(OutboxMessage.objects.order_by("-pk")[: OutboxMessage.objects.count() - before])
    recipients = {m.recipient_id for m in told}
    assert coordinator.pk in recipients and staff.pk in recipients
    assert all("Machtiging loopt af op" in m.subject for m in told)
    assert services.machtiging_warnings_send() == 0  # a repeat run sends nothing new
    assert OutboxMessage.objects.count() - before == len(told)
    assert "machtiging_warning_sent" in [e.event_type for e in events_for(placement_request)]
    # An extension (a change in place) is a new end date, which warns again when due.
    change(
        placement,
        coordinator,
        coordinator_membership(coordinator),
        machtiging_end_date=TODAY() + datetime.timedelta(days=days - 1),
        reason="Nieuwe einddatum",
    )
    assert services.machtiging_warnings_send() == 1
    assert MachtigingWarning.objects.filter(placement=placement).count() == 2


@pytest.mark.django_db
def test_machtiging_watch_uses_the_region_setting_and_ignores_ended_placements(referrer, coordinator):
    placement_request, placement, _facility, _staff = placed(referrer, coordinator)
    region = placement_request.region
    machtiging_in(placement, 10)
    region.machtiging_warning_days = 5
    region.save(update_fields=["machtiging_warning_days"])
    assert services.machtiging_warnings_send() == 0
    assert services.machtiging_warnings_send(today=TODAY() + datetime.timedelta(days=5)) == 1
    other_request, other, _f, _s = placed(referrer, coordinator)
    machtiging_in(other, 1)
    services.placement_end(
        placement=other,
        end_date=TODAY(),
        reason="01",
        destination="home",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    assert services.machtiging_warnings_send() == 0


def test_beat_runs_the_machtiging_watch():
    entry = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "placement.tasks.machtiging_warnings_send"
    ]
    assert len(entry) == 1
    from placement import tasks

    assert tasks.machtiging_warnings_send.name == "placement.tasks.machtiging_warnings_send"


@pytest.mark.django_db
def test_machtiging_is_shown_on_the_request_page_and_the_coordinators_home(client, referrer, coordinator):
    placement_request, placement, _facility, staff = placed(referrer, coordinator)
    machtiging_in(placement, 3)
    end = (TODAY() + datetime.timedelta(days=3)).strftime("%-d")
    client.force_login(coordinator)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert 'id="machtiging-notice"' in page and "Machtiging loopt af op " + end in page
    home = client.get("/coordinator/").content.decode()
    assert "Machtigingen die binnenkort aflopen" in home and placement_request.reference in home
    client.force_login(staff)
    page = client.get(f"/provider/offers/{placement.offer_id}/").content.decode()
    assert 'id="machtiging-notice"' in page
    machtiging_in(placement, 200)  # far away: no notice
    client.force_login(coordinator)
    assert 'id="machtiging-notice"' not in client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Machtigingen die binnenkort aflopen" not in client.get("/coordinator/").content.decode()


# --- screens ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_change_form_on_the_page_errors_next_to_fields_and_success(client, referrer, coordinator):
    placement_request, placement, facility, _staff = placed(referrer, coordinator)
    client.force_login(coordinator)
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert f"/placements/{placement.pk}/change/" in page
    response = client.post(
        f"/placements/{placement.pk}/change/",
        {"intensity": "M", "effective_date": "", "reason": "", "legal_status": "", "care_type": ""},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_change_effective_date-error"' in body and 'id="id_change_reason-error"' in body  # all at once
    assert not PlacementChange.objects.exists()
    response = client.post(
        f"/placements/{placement.pk}/change/",
        {"intensity": "P", "effective_date": TODAY().isoformat(), "reason": "Meer begeleiding", "legal_status": "none"},
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.intensity == "P"
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert "Intensiteit gewijzigd in de plaatsing (geen doorplaatsing)" in page  # the timeline
    assert 'id="transfer-count">0<' in page


@pytest.mark.django_db
def test_change_form_marks_required_fields(client, referrer, coordinator):
    placement_request, placement, _facility, _staff = placed(referrer, coordinator)
    client.force_login(coordinator)
    page = client.get(f"/placements/{placement.pk}/change/").content.decode()
    label = page.split('for="id_change_reason"')[1].split("</label>")[0]
    assert "(verplicht)" in label
    label = page.split('for="id_change_intensity"')[1].split("</label>")[0]
    assert "(verplicht)" not in label


@pytest.mark.django_db
def test_end_form_asks_the_destination_and_the_page_shows_it(client, referrer, coordinator):
    placement_request, placement, _facility, _staff = placed(referrer, coordinator)
    client.force_login(coordinator)
    response = client.post(f"/placements/{placement.pk}/end/", {"end_date": TODAY().isoformat(), "reason": "01"})
    assert response.status_code == 422 and 'id="id_destination-error"' in response.content.decode()
    placement.refresh_from_db()
    assert placement.end_date is None
    response = client.post(
        f"/placements/{placement.pk}/end/",
        {"end_date": TODAY().isoformat(), "reason": "01", "destination": "independent_living"},
    )
    assert response.status_code == 302
    page = client.get(f"/requests/{placement_request.pk}/").content.decode()
    assert 'id="placement-destination">Zelfstandig wonen<' in page
    assert "bestemming na vertrek: zelfstandig wonen" in page  # the timeline


@pytest.mark.django_db
def test_change_screen_for_outsiders_is_404_and_wrong_role_403(client, referrer, coordinator, coordinator_drenthe):
    _request, placement, _facility, _staff = placed(referrer, coordinator)
    client.force_login(coordinator_drenthe)
    assert client.get(f"/placements/{placement.pk}/change/").status_code == 404
    client.force_login(referrer)
    assert client.get(f"/placements/{placement.pk}/change/").status_code == 403


# --- API -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_changes_roles_outsiders_bad_input_and_success(api, referrer, coordinator, coordinator_drenthe):
    _request, placement, facility, staff = placed(referrer, coordinator)
    path = f"/api/v1/placements/{placement.pk}/changes"
    body = {"intensity": "P", "effective_date": TODAY().isoformat(), "reason": "Meer begeleiding"}
    assert api.as_user(referrer).post(path, body, format="json").status_code == 403
    assert api.as_user(member(Role.PROVIDER)).post(path, body, format="json").status_code == 404
    assert api.as_user(coordinator_drenthe).get(path).status_code == 404
    response = api.as_user(staff).post(
        path, {"intensity": "A", "effective_date": None, "reason": "", "legal_status": "x"}, format="json"
    )
    assert response.status_code == 422 and response["Content-Type"].startswith("application/problem+json")
    assert {p["name"] for p in response.json()["invalid_params"]} == {
        "intensity",
        "effective_date",
        "reason",
        "legal_status",
    }
    response = api.as_user(staff).post(path, {**body, "colour": "red"}, format="json")
    assert response.status_code == 422 and "colour" in {p["name"] for p in response.json()["invalid_params"]}
    assert not PlacementChange.objects.exists()
    response = api.as_user(staff).post(path, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["placement"]["intensity"] == "P" and data["placement"]["end_date"] is None
    assert [(c["field"], c["old_value"], c["new_value"]) for c in data["changes"]] == [("intensity", "M", "P")]
    assert api.as_user(coordinator).get(path).json()["changes"][0]["new_value"] == "P"
    end = api.as_user(coordinator).post(
        f"/api/v1/placements/{placement.pk}/end", {"end_date": TODAY().isoformat(), "reason": "01"}, format="json"
    )
    assert end.status_code == 422 and [p["name"] for p in end.json()["invalid_params"]] == ["destination"]
    end = api.as_user(coordinator).post(
        f"/api/v1/placements/{placement.pk}/end",
        {"end_date": TODAY().isoformat(), "reason": "01", "destination": "other_region"},
        format="json",
    )
    assert end.status_code == 200 and end.json()["aftercare_destination"] == "other_region"
    assert api.as_user(coordinator).post(path, body, format="json").status_code == 409


@pytest.mark.django_db
def test_openapi_documents_changes_and_destination(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"get", "post"} <= set(schema["paths"]["/placements/{id}/changes"])
    assert "destination" in schema["components"]["schemas"]["PlacementEndInput"]["required"]


@pytest.mark.django_db
def test_inzage_holds_the_changes_in_place_and_the_destination(referrer, coordinator):
    from privacy.selectors import inzage_data

    _request, placement, _facility, _staff = placed(referrer, coordinator)
    change(placement, coordinator, coordinator_membership(coordinator), intensity="T", reason="Zwaardere zorg")
    services.placement_end(
        placement=placement,
        end_date=TODAY(),
        reason="01",
        destination="home",
        by=coordinator,
        membership=coordinator_membership(coordinator),
    )
    data = inzage_data(Youth.objects.get(pk=placement.youth_id))
    (request_data,) = data["requests"]
    assert request_data["placement"]["aftercare_destination"] == "home"
    assert [(c["field"], c["new_value"], c["reason"]) for c in request_data["placement"]["changes"]] == [
        ("intensity", "T", "Zwaardere zorg")
    ]
