"""Issue 10, point 6: direct identifiers and uploaded files encrypted at rest; a blind-index
key separate from the encryption keys; `rotate_encryption_keys` re-encrypts and re-indexes."""

import datetime
import importlib
import io
import os
import stat

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import Role
from accounts.selectors import membership_with_role
from core import crypto
from core.private_files import private_read
from intake import selectors as intake_selectors
from intake import services as intake_services
from intake.models import Document, Guardian, Youth
from tests.placement.factories import PDF, make_request, pdf_upload, youth_data

pytestmark = pytest.mark.django_db

OLD_KEY = "old-field-key-0123456789abcdefghijklmnop"
NEW_KEY = "new-field-key-zyxwvutsrqponmlkjihgfedcba98"

CLEAR = [
    "Jansen",
    "Hoofdstraat",
    "7532TP",
    "Glanerbrug",
    "Stedelijk Lyceum",
    "Petra",
    "06-41234567",
    "petra.jansen@example.net",
]


def _row_text(table, pk_column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM {table} t WHERE {pk_column} = %s", [pk])
        return " ".join(row[0] for row in cursor.fetchall())


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _duplicate_ids(placement_request, user):
    membership = membership_with_role(user, Role.COORDINATOR)
    found = intake_selectors.request_possible_duplicates(placement_request=placement_request, membership=membership)
    return [d.request.pk for d in found if d.visible]


def test_identifiers_are_stored_encrypted_and_read_back_in_clear(referrer):
    placement_request = make_request(
        referrer, complete=False, youth=youth_data(bsn="111222333", birth_date=datetime.date(2011, 3, 14))
    )
    youth = Youth.objects.get(pk=placement_request.youth_id)
    birth = youth.birth_date
    assert isinstance(birth, datetime.date) and youth.family_name.startswith("Jansen")
    assert (youth.address, youth.postcode, youth.city, youth.school) == (
        "Hoofdstraat 1",
        "7532TP",
        "Glanerbrug",
        "Het Stedelijk Lyceum",
    )
    guardian = youth.guardians.get()
    assert (guardian.name, guardian.phone, guardian.email) == (
        "Petra Jansen",
        "06-41234567",
        "petra.jansen@example.net",
    )
    stored = _row_text("placement_youth", "id", youth.pk) + _row_text("placement_guardian", "youth_id", youth.pk)
    for value in [*CLEAR, birth.isoformat(), birth.strftime("%d-%m-%Y"), "111222333"]:
        assert value not in stored
    # What stays readable: the birth month for reports, and keyed hashes.
    assert youth.birth_month == birth.replace(day=1)
    assert len(youth.name_birth_hash) == 64 and youth.name_birth_hash == youth.name_birth_index()


def test_encrypted_columns_refuse_queries_instead_of_matching_nothing(referrer):
    make_request(referrer, complete=False)
    for lookup in ({"family_name": "Jansen1"}, {"family_name__iexact": "x"}, {"birth_date__year": 2011}):
        with pytest.raises(FieldError):
            list(Youth.objects.filter(**lookup))
    with pytest.raises(FieldError):
        list(Guardian.objects.filter(email="petra.jansen@example.net"))


def test_derived_columns_follow_a_save_with_update_fields(referrer):
    youth = Youth.objects.get(pk=make_request(referrer, complete=False).youth_id)
    youth.family_name, youth.birth_date = "Anders", datetime.date(2012, 7, 9)
    youth.save(update_fields=["family_name", "birth_date"])
    youth.refresh_from_db()
    assert youth.birth_month == datetime.date(2012, 7, 1)
    assert youth.name_birth_hash == Youth.name_birth_index_for("ANDERS", datetime.date(2012, 7, 9))


def test_name_and_birth_date_duplicates_ignore_case_spacing_and_invisible_characters(
    referrer, make_member, coordinator
):
    a = make_request(referrer, submit=True, youth=youth_data(bsn="", family_name="de Vries"))
    b = make_request(
        make_member(Role.REFERRER),
        submit=True,
        youth=youth_data(bsn="", family_name="  DE  Vr\u00adies", birth_date=a.youth.birth_date),
    )
    other_day = make_request(
        referrer, submit=True, youth=youth_data(bsn="", family_name="de Vries", birth_date=datetime.date(2009, 1, 1))
    )
    assert _duplicate_ids(a, coordinator) == [b.pk]
    assert other_day.pk not in _duplicate_ids(a, coordinator)


def test_rotating_the_encryption_keys_keeps_duplicate_detection_working(settings, referrer, make_member, coordinator):
    """The bug of issue 10: the blind index followed the first encryption key, so after a
    rotation the same BSN (or name and birth date) was no longer found."""
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    first = make_request(referrer, submit=True, youth=youth_data(bsn="111222333"))
    named = make_request(referrer, submit=True, youth=youth_data(bsn="", family_name="Smit"))
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]  # the new key in front
    other = make_member(Role.REFERRER)
    second = make_request(other, submit=True, youth=youth_data(bsn="111222333"))
    named_again = make_request(
        other, submit=True, youth=youth_data(bsn="", family_name="SMIT", birth_date=named.youth.birth_date)
    )
    assert _duplicate_ids(second, coordinator) == [first.pk]
    assert _duplicate_ids(named_again, coordinator) == [named.pk]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key removed
    assert _duplicate_ids(first, coordinator) == [second.pk]
    assert _duplicate_ids(named, coordinator) == [named_again.pk]


def _make_dossier(referrer):
    placement_request = make_request(referrer, complete=False, youth=youth_data(bsn="123456782"))
    membership = membership_with_role(referrer, Role.REFERRER)
    document = intake_services.document_upload(
        placement_request=placement_request,
        upload=pdf_upload(),
        kind="other",
        title="Bijlage",
        by=referrer,
        membership=membership,
    )
    return placement_request, document


def test_rotate_command_reencrypts_everything_then_the_old_key_can_go(settings, private_media, referrer, client):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    placement_request, document = _make_dossier(referrer)
    youth_id = placement_request.youth_id
    before = _raw("placement_youth", "family_name", youth_id)
    file_before = document.path.read_bytes()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    out = io.StringIO()
    call_command("rotate_encryption_keys", "--dry-run", stdout=out)
    assert "Dry run: nothing was written." in out.getvalue()
    assert _raw("placement_youth", "family_name", youth_id) == before and document.path.read_bytes() == file_before

    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    report = out.getvalue()
    # 7 youth values (names, birth date, address, postcode, city, school) + the BSN token,
    # 3 guardian values, 1 file.
    assert (
        "placement.Youth (given_names, family_name, birth_date, address, postcode, city, school, bsn_encrypted): "
        "rotated 8, rows 1" in report
    ), report
    assert "placement.Guardian (name, phone, email): rotated 3, rows 1" in report, report
    assert "documents (files): rotated 1" in report, report
    assert _raw("placement_youth", "family_name", youth_id) != before and document.path.read_bytes() != file_before

    again = io.StringIO()
    call_command("rotate_encryption_keys", stdout=again)  # idempotent: all current now
    assert "rotated" not in again.getvalue() and "current 8, rows 1" in again.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    youth = Youth.objects.get(pk=youth_id)
    assert youth.family_name.startswith("Jansen") and youth.bsn == "123456782" and youth.city == "Glanerbrug"
    assert youth.guardians.get().email == "petra.jansen@example.net"
    client.force_login(referrer)
    response = client.get(f"/requests/{placement_request.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_rotate_command_fails_loudly_when_a_key_is_missing(settings, private_media, referrer):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    _make_dossier(referrer)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key removed before rotating
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())


def test_reindex_after_a_blind_index_key_change(settings, referrer, make_member, coordinator):
    first = make_request(referrer, submit=True, youth=youth_data(bsn="111222333"))
    second = make_request(make_member(Role.REFERRER), submit=True, youth=youth_data(bsn="111222333"))
    settings.BLIND_INDEX_KEY = "a-new-blind-index-key-ABCDEFGHIJKLMNOP0123"
    third = make_request(make_member(Role.REFERRER), submit=True, youth=youth_data(bsn="111222333"))
    assert _duplicate_ids(third, coordinator) == []  # the stored hashes are under the old key
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--reindex", stdout=out)
    assert "blind indexes (bsn_hash, name_birth_hash): reindexed 4, rows 3" in out.getvalue(), out.getvalue()
    assert _duplicate_ids(third, coordinator) == [first.pk, second.pk]


# --- files ---------------------------------------------------------------------------------


def test_uploaded_file_is_encrypted_on_disk_with_private_modes_whatever_the_umask(private_media, referrer, client):
    previous = os.umask(0)  # the most permissive umask: modes must not depend on it
    try:
        placement_request, document = _make_dossier(referrer)
    finally:
        os.umask(previous)
    on_disk = document.path.read_bytes()
    assert not on_disk.lstrip().startswith(b"%PDF") and PDF not in on_disk and b"%%EOF" not in on_disk
    assert stat.S_IMODE(document.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(document.path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(private_media.stat().st_mode) == 0o700
    assert private_read(document.path) == PDF
    client.force_login(referrer)
    response = client.get(f"/requests/{placement_request.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


def test_plaintext_files_from_before_are_encrypted_by_the_command(private_media, referrer, client):
    placement_request, document = _make_dossier(referrer)
    document.path.write_bytes(PDF)  # as stored before issue 10
    os.chmod(document.path, 0o644)
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "documents (files): encrypted 1" in out.getvalue()
    assert not document.path.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(document.path.stat().st_mode) == 0o600
    client.force_login(referrer)
    response = client.get(f"/requests/{placement_request.pk}/documents/{document.pk}/")
    assert b"".join(response.streaming_content) == PDF


def test_file_migration_encrypts_plaintext_files_and_reverses(private_media, referrer):
    from django.apps import apps

    migration = importlib.import_module("intake.migrations.0004_encrypt_document_files")
    _placement_request, document = _make_dossier(referrer)
    migration.decrypt_files(apps, None)
    assert document.path.read_bytes() == PDF
    migration.encrypt_files(apps, None)
    assert not document.path.read_bytes().startswith(b"%PDF") and private_read(document.path) == PDF
    migration.encrypt_files(apps, None)  # idempotent
    assert private_read(document.path) == PDF
    assert Document.objects.count() == 1


# --- the data migration ----------------------------------------------------------------------


class _Editor:
    connection = connection


def test_data_migration_encrypts_existing_rows_and_reverses(referrer):
    migration = importlib.import_module("placement.migrations.0005_encrypt_identifiers")
    youth = Youth.objects.get(pk=make_request(referrer, complete=False, youth=youth_data(bsn="111222333")).youth_id)
    expected = (youth.given_names, youth.family_name, youth.birth_date, youth.address, youth.school)
    guardian_id = youth.guardians.get().pk
    migration.decrypt_rows(None, _Editor)  # back to the plaintext columns of before
    assert _raw("placement_youth", "family_name", youth.pk) == youth.family_name
    assert _raw("placement_youth", "birth_date", youth.pk) == youth.birth_date.isoformat()
    assert _raw("placement_guardian", "phone", guardian_id) == "06-41234567"
    assert _raw("placement_youth", "bsn_hash", youth.pk) == migration._legacy_bsn_hash("111222333")
    migration.encrypt_rows(None, _Editor)
    again = Youth.objects.get(pk=youth.pk)
    assert (again.given_names, again.family_name, again.birth_date, again.address, again.school) == expected
    assert again.guardians.get().phone == "06-41234567"
    assert again.bsn_hash == crypto.blind_index("111222333", purpose="bsn") == youth.bsn_hash
    assert again.name_birth_hash == youth.name_birth_hash and again.birth_month == youth.birth_month
    assert youth.family_name not in _row_text("placement_youth", "id", youth.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_decrypts_backward_and_encrypts_forward(referrer):
    from django.db.migrations.executor import MigrationExecutor

    from core.db_roles import as_owner  # the application role the tests run as may not alter tables

    youth = Youth.objects.get(pk=make_request(referrer, complete=False, youth=youth_data(bsn="111222333")).youth_id)
    expected = (youth.family_name, youth.birth_date, youth.postcode, youth.bsn_hash, youth.name_birth_hash)
    try:
        with as_owner():
            MigrationExecutor(connection).migrate([("placement", "0004_referral_documents_by_kind")])
        assert _raw("placement_youth", "family_name", youth.pk) == youth.family_name
        assert _raw("placement_youth", "birth_date", youth.pk) == youth.birth_date  # a date column again
    finally:
        with as_owner():
            executor = MigrationExecutor(connection)
            executor.migrate(executor.loader.graph.leaf_nodes())
    again = Youth.objects.get(pk=youth.pk)
    assert (again.family_name, again.birth_date, again.postcode, again.bsn_hash, again.name_birth_hash) == expected
    assert youth.family_name not in _row_text("placement_youth", "id", youth.pk)
