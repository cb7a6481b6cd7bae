"""Issue 12 point 1: the CBS code lists come from data/cbs_codelijsten.csv, the database
refuses codes outside them, and existing referrer codes migrate to the CBS meaning."""

import csv

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from accounts.models import Organisation, ReferrerCode
from capacity.models import CareForm, CareType
from capacity.taxonomy import CARE_TYPES, cbs_care_form_for
from core.code_lists import CBS_CSV, cbs_code_check, cbs_codes, cbs_lists
from placement.models import EndReason
from tests.accounts.factories import OrganisationFactory, reference_data_ensure


def _csv(name):
    with CBS_CSV.open(encoding="utf-8", newline="") as handle:
        return [(row["code"], row["label"]) for row in csv.DictReader(handle) if row["list"] == name]


def _dutch(choices):
    with translation.override("nl"):
        return [(code, str(label)) for code, label in choices.choices]


def test_the_loader_reads_every_list_of_the_file():
    assert set(cbs_lists()) == {
        "verwijzer",
        "crisis",
        "hulpvorm_verblijf",
        "reden_beeindiging",
        "clienttevredenheid",
        "zonder_hulp_verder",
    }
    assert cbs_codes("verwijzer") == ["01", "02", "03", "04", "05", "06", "08"]  # no 07, no unknown


@pytest.mark.parametrize(
    ("choices", "name"),
    [(ReferrerCode, "verwijzer"), (EndReason, "reden_beeindiging"), (CareForm, "hulpvorm_verblijf")],
)
def test_the_choices_are_the_csv_list_code_for_code_and_label_for_label(choices, name):
    assert _dutch(choices) == _csv(name)


def test_the_crisis_list_is_yes_no():
    assert _csv("crisis") == [("01", "Ja"), ("02", "Nee")]


def test_a_code_outside_a_list_is_refused_by_the_check():
    assert cbs_code_check("verwijzer", "08") == "08"
    with pytest.raises(ValueError):
        cbs_code_check("verwijzer", "07")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["07", "09", "6"])
def test_the_database_refuses_a_referrer_code_outside_the_cbs_list(code):
    organisation = OrganisationFactory(kind=Organisation.Kind.REFERRER, referrer_code="01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=organisation.pk).update(referrer_code=code)


@pytest.mark.django_db
def test_the_database_refuses_a_care_form_outside_11_to_14():
    reference_data_ensure()
    with pytest.raises(IntegrityError), transaction.atomic():
        CareType.objects.filter(code="gezinshuis").update(cbs_care_form="10")
    with pytest.raises(IntegrityError), transaction.atomic():
        CareType.objects.filter(code="gezinshuis").update(cbs_care_form="")


@pytest.mark.django_db
def test_every_care_type_has_the_care_form_the_rule_gives():
    reference_data_ensure()
    forms = dict(CareType.objects.values_list("code", "cbs_care_form"))
    assert forms["gezinshuis"] == "12" and forms["kwv-open"] == "12"
    assert forms["jeugdzorgplus"] == "13" and forms["kwv-gesloten"] == "13"
    assert forms["behandelgroep"] == "14" and forms["crisis"] == "14"
    for code, _label, cbs, authorisation in CARE_TYPES:
        assert cbs == cbs_care_form_for(code, authorisation) == forms[code]
    assert cbs_care_form_for("pleegzorg-netwerk", False) == "11"


def _migrate(targets):
    from core.db_roles import as_owner

    with as_owner():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _codes(ids):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, referrer_code FROM accounts_organisation WHERE id = ANY(%s)", [list(ids)])
        return dict(cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_old_codes_to_the_cbs_codes_and_back():
    reference_data_ensure()
    try:
        _migrate([("accounts", "0005_region_settings_for_urgency_crisis_and_declines")])
        ids = {}
        with connection.cursor() as cursor:
            for old in ("01", "04", "06", "07", "08"):  # old meaning: 06 court, 07 none, 08 unknown
                cursor.execute(
                    "INSERT INTO accounts_organisation (name, kind, referrer_code, agb_code, email, phone,"
                    " is_active, two_factor_required) VALUES (%s, 'referrer', %s, '', '', '', true, false)"
                    " RETURNING id",
                    [f"Verwijzer oud {old}", old],
                )
                ids[cursor.fetchone()[0]] = old
        _migrate(None)
        assert {ids[pk]: code for pk, code in _codes(ids).items()} == {
            "01": "01",
            "04": "04",
            "06": "08",  # court
            "07": "06",  # no referrer
            "08": "06",  # unknown: CBS has none, recorded as no referrer
        }
        _migrate([("accounts", "0005_region_settings_for_urgency_crisis_and_declines")])
        assert {ids[pk]: code for pk, code in _codes(ids).items()} == {
            "01": "01",
            "04": "04",
            "06": "06",  # court again
            "07": "07",  # no referrer again
            "08": "07",  # was unknown: cannot be told from "none" any more
        }
    finally:
        _migrate(None)
