"""BSN: elfproef, encryption at rest, keyed hash; the database row never holds it in clear."""

import pytest
from django.db import connection

from intake import crypto
from intake.models import Youth
from tests.placement.factories import make_request, youth_data


def test_encrypt_round_trip_and_ciphertext_is_not_the_value(settings):
    token = crypto.encrypt("111222333")
    assert "111222333" not in token
    assert crypto.decrypt(token) == "111222333"
    assert crypto.encrypt("111222333") != token  # random IV: equal values do not look equal


def test_key_rotation_old_tokens_still_decrypt_and_the_blind_index_stays(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["old-key-0123456789abcdef0123456789"]
    old_token = crypto.encrypt("123456782")
    old_hash = crypto.blind_index("123456782")
    settings.FIELD_ENCRYPTION_KEYS = ["new-key-fedcba9876543210fedcba9876", "old-key-0123456789abcdef0123456789"]
    assert crypto.decrypt(old_token) == "123456782"
    # The blind index has its own key: rotating the encryption keys leaves every hash as it was.
    assert crypto.blind_index("123456782") == old_hash
    settings.BLIND_INDEX_KEY = "another-blind-index-key-0123456789abcdef"
    assert crypto.blind_index("123456782") != old_hash  # the hash is keyed: another key, another hash


def test_blind_indexes_of_different_purposes_differ():
    assert crypto.blind_index("111222333", purpose="bsn") != crypto.blind_index("111222333", purpose="name_birth")


def test_blind_index_is_keyed_not_a_plain_hash():
    import hashlib

    value = crypto.blind_index("111222333")
    assert len(value) == 64 and value == crypto.blind_index("111222333")
    assert value != hashlib.sha256(b"111222333").hexdigest()
    assert crypto.blind_index("") == ""


def test_bsn_validation_uses_the_elfproef():
    assert crypto.bsn_is_valid("111222333")
    assert not crypto.bsn_is_valid("111222334")
    assert not crypto.bsn_is_valid("12345")
    assert crypto.bsn_normalise(" 1112.22.333 ") == "111222333"


@pytest.mark.django_db
def test_the_youth_row_holds_no_plain_bsn(referrer):
    placement_request = make_request(referrer, complete=False, youth=youth_data(bsn="111222333"))
    youth = Youth.objects.get(pk=placement_request.youth_id)
    assert youth.bsn == "111222333"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM placement_youth WHERE id = %s", [youth.pk])
        row = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM placement_youth WHERE placement_youth::text LIKE %s", ["%111222333%"])
        matches = cursor.fetchone()[0]
    assert all("111222333" not in str(value) for value in row)
    assert matches == 0
    assert youth.bsn_hash == crypto.blind_index("111222333")
