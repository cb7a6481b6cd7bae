"""The nightly retention task: pseudonymises only youth whose every request is past its
region's term, deletes documents (files too) and old notifications, and is idempotent."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from core.models import Event, Notification, OutboxMessage
from intake.models import Document, Guardian, PlacementRequest, Youth
from privacy import services, tasks
from privacy.models import Pseudonymisation, RetentionPolicy, RetentionRun
from tests.accounts.factories import member
from tests.placement.factories import machtiging, make_request, next_bsn, youth_data
from tests.privacy.conftest import closed_request, share_youth, years_ago

pytestmark = pytest.mark.django_db


def _snapshot():
    youth = list(Youth.objects.order_by("pk").values())
    guardians = list(Guardian.objects.order_by("pk").values())
    return youth, guardians, Document.objects.count(), Event.objects.count(), Notification.objects.count()


def test_only_youth_whose_every_request_is_past_the_term_are_pseudonymised(referrer, twente):
    old = closed_request(referrer, years=21)
    recent = closed_request(referrer, years=19)
    # A youth with an old closed request and a live one is kept.
    shared_old = closed_request(referrer, years=22)
    live = share_youth(make_request(referrer, submit=True), shared_old.youth)
    # A youth with two requests both past the term goes.
    both_old = closed_request(referrer, years=25)
    share_youth(closed_request(referrer, years=21), both_old.youth)
    # An ended placement past the term counts like a closed request.
    ended = make_request(referrer, submit=True)
    PlacementRequest.objects.filter(pk=ended.pk).update(status="ended", status_changed_at=years_ago(20.5))
    original = {r.youth_id: Youth.objects.get(pk=r.youth_id) for r in (old, recent, live, both_old, ended)}

    run = services.retention_apply()

    done = set(Pseudonymisation.objects.values_list("youth_id", flat=True))
    assert done == {old.youth_id, both_old.youth_id, ended.youth_id}
    assert run.youth_pseudonymised == 3
    kept = Youth.objects.get(pk=recent.youth_id)
    assert kept.family_name == original[recent.youth_id].family_name and kept.bsn
    assert Youth.objects.get(pk=live.youth_id).bsn == original[live.youth_id].bsn


def test_records_of_the_same_person_by_bsn_go_only_together(referrer, twente):
    """A referral by another organisation makes a youth record of its own (the referrer's
    own organisation's new request joins the record, issue 11 point 3); records with the
    same BSN are one person."""
    bsn = next_bsn()
    old = closed_request(referrer, years=21, youth=youth_data(bsn=bsn))
    again = make_request(member(Role.REFERRER), submit=True, youth=youth_data(bsn=bsn))  # still open
    assert old.youth_id != again.youth_id
    assert services.retention_apply().youth_pseudonymised == 0
    assert Youth.objects.get(pk=old.youth_id).bsn == bsn
    PlacementRequest.objects.filter(pk=again.pk).update(status="ended", status_changed_at=years_ago(20.2))
    assert services.retention_apply().youth_pseudonymised == 2
    assert not Youth.objects.filter(pk__in=[old.youth_id, again.youth_id]).exclude(bsn_hash="").exists()


def test_pseudonymisation_keeps_only_what_reports_need(referrer, twente):
    placement_request = closed_request(referrer, years=21)
    before = Youth.objects.get(pk=placement_request.youth_id)
    services.retention_apply()
    youth = Youth.objects.get(pk=before.pk)
    assert youth.full_name == f"Jeugdige {youth.pk}"
    assert youth.bsn == "" and youth.bsn_hash == "" and youth.bsn_encrypted == ""
    assert youth.birth_date == before.birth_date.replace(day=1)
    assert (youth.address, youth.postcode, youth.city, youth.school) == ("", "", "", "")
    assert (youth.gender, youth.municipality_id, youth.legal_status) == (
        before.gender,
        before.municipality_id,
        before.legal_status,
    )
    guardian = youth.guardians.get()
    assert (guardian.name, guardian.phone, guardian.email) == ("Ouder/verzorger 1", "", "")
    assert guardian.relationship == "moeder" and guardian.has_authority
    event = Event.objects.get(event_type="youth_pseudonymised", subject_id=youth.pk)
    text = json.dumps({"details": event.details, "reason": event.reason_code})
    for value in (before.family_name, before.bsn, before.address, before.postcode, "Petra"):
        assert value not in text


def test_each_region_applies_its_own_term(referrer, twente, drenthe):
    RetentionPolicy.objects.create(region=drenthe, identity_years=5, document_years=1)
    in_drenthe = make_request(referrer, submit=True, municipality_code="GM0106")  # Assen
    assert in_drenthe.region == drenthe
    in_twente = closed_request(referrer, years=6)
    PlacementRequest.objects.filter(pk=in_drenthe.pk).update(status="ended", status_changed_at=years_ago(6))
    services.retention_apply()
    assert set(Pseudonymisation.objects.values_list("youth_id", flat=True)) == {in_drenthe.youth_id}
    assert Youth.objects.get(pk=in_twente.youth_id).bsn


def test_a_running_machtiging_keeps_the_youth(referrer, twente):
    placement_request = closed_request(referrer, years=21)
    Youth.objects.filter(pk=placement_request.youth_id).update(**machtiging(days=30))
    assert services.retention_apply().youth_pseudonymised == 0


def test_running_twice_changes_nothing_the_second_time(referrer, twente, private_media):
    closed_request(referrer, years=21)
    closed_request(referrer, years=3)
    first = services.retention_apply()
    assert first.youth_pseudonymised == 1 and first.documents_deleted == 2
    before = _snapshot()
    second = services.retention_apply()
    assert second.counts() == {
        "youth_pseudonymised": 0,
        "documents_deleted": 0,
        "notifications_deleted": 0,
        "outbox_deleted": 0,
    }
    assert _snapshot() == before
    assert RetentionRun.objects.count() == 2


def test_documents_past_their_term_are_deleted_from_disk(
    referrer, twente, private_media, django_capture_on_commit_callbacks
):
    old = closed_request(referrer, years=3)  # documents: 2 years by default
    recent = closed_request(referrer, years=1)
    old_document, recent_document = old.documents.get(), recent.documents.get()
    old_path, recent_path = old_document.path, recent_document.path
    assert old_path.exists() and recent_path.exists()

    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion committed
        run = services.retention_apply()

    assert run.documents_deleted == 1
    assert not Document.objects.filter(pk=old_document.pk).exists() and not old_path.exists()
    assert Document.objects.filter(pk=recent_document.pk).exists() and recent_path.exists()
    event = Event.objects.get(event_type="document_deleted", subject_id=old_document.pk)
    assert event.details["request"] == old.pk and event.details["kind"] == "zorgvraag"
    assert old_document.title not in json.dumps(event.details)
    # The youth of a request whose documents went is not pseudonymised before its own term.
    assert not Pseudonymisation.objects.filter(youth_id=old.youth_id).exists()


def test_old_notifications_and_delivered_messages_are_deleted(twente):
    user = member(Role.COORDINATOR, regions=[twente])
    old, new = timezone.now() - dt.timedelta(days=200), timezone.now() - dt.timedelta(days=20)

    def message(created, status="sent", with_notification=True):
        msg = OutboxMessage.objects.create(
            channel="in_app",
            recipient=user,
            subject="Verzoek",
            body="Tekst",
            status=status,
            sent_at=created if status == "sent" else None,
            created_at=created,
        )
        if with_notification:
            Notification.objects.create(user=user, source=msg, subject="Verzoek", body="Tekst", created_at=created)
        return msg

    old_message, new_message = message(old), message(new)
    waiting = message(old, status="pending", with_notification=False)  # still to be delivered: kept
    run = services.retention_apply()
    assert (run.notifications_deleted, run.outbox_deleted) == (1, 1)
    assert not OutboxMessage.objects.filter(pk=old_message.pk).exists()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {new_message.pk, waiting.pk}
    assert Notification.objects.get().source_id == new_message.pk


def test_beat_runs_the_task_nightly_and_it_returns_the_counts(referrer, twente):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention-apply"]
    assert entry["task"] == "privacy.tasks.retention_apply" == tasks.retention_apply.name
    assert entry["schedule"].hour == {2}
    closed_request(referrer, years=21)
    result = tasks.retention_apply.apply().get()
    assert result["youth_pseudonymised"] == 1 and result["documents_deleted"] == 1
    assert RetentionRun.objects.get(pk=result["run"]).finished_at is not None


def test_administrator_sees_recent_runs(client, referrer, twente):
    closed_request(referrer, years=21)
    services.retention_apply()
    admin = member(Role.ADMIN)
    client.force_login(admin)
    html = client.get("/administration/privacy/").content.decode()
    assert "Recente runs van de bewaartermijnen" in html
    assert '<td class="utrecht-table__cell utrecht-table__cell--numeric">1</td>' in html
    # Nobody else reads the privacy page.
    client.force_login(member(Role.COORDINATOR, regions=[twente]))
    assert client.get("/administration/privacy/").status_code == 403


def test_the_access_log_is_never_deleted_and_still_answers_who_read_it(referrer, coordinator, twente):
    """NEN 7513: the log outlives the identity; after pseudonymisation the inzage still
    lists who read the record."""
    from accounts.selectors import membership_with_role
    from core.access_log import access_log_record
    from core.models import AccessLogEntry
    from privacy.selectors import inzage_data

    placement_request = closed_request(referrer, years=21)
    entry = access_log_record(
        user=coordinator,
        membership=membership_with_role(coordinator, Role.COORDINATOR),
        subject=placement_request.youth,
        purpose="triage",
    )
    assert entry.pk
    count = AccessLogEntry.objects.count()
    assert services.retention_apply().youth_pseudonymised == 1
    assert AccessLogEntry.objects.count() == count
    readers = inzage_data(Youth.objects.get(pk=placement_request.youth_id))["access_log"]
    assert [(r["username"], r["purpose"]) for r in readers] == [(coordinator.username, "triage")]
