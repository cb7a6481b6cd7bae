"""Erasure on request (AVG art. 17, Jeugdwet art. 7.3.9): by an administrator, with a
ground and an explanation, refused while a request is open, a placement runs or a court
measure holds; the same pseudonymisation as retention; recorded as events."""

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import Conflict, Invalid, NotFound
from core.models import Event
from intake.models import Document, Youth
from privacy import services
from privacy.models import Pseudonymisation
from tests.placement.factories import in_matching, machtiging, make_request, next_bsn, youth_data
from tests.privacy.conftest import closed_request

pytestmark = pytest.mark.django_db

GOOD = {"ground": "jeugdwet_7_3_9", "explanation": "Schriftelijk verzoek van de jeugdige (16), getoetst door de FG."}


def _erase_url(youth):
    return f"/administration/privacy/youth/{youth.pk}/erase"


def _unchanged(youth):
    fresh = Youth.objects.get(pk=youth.pk)
    return (
        fresh.family_name == youth.family_name
        and fresh.bsn == youth.bsn
        and not Pseudonymisation.objects.filter(youth=youth).exists()
        and not Event.objects.filter(event_type__startswith="youth_", subject_id=youth.pk).exists()
    )


def test_erasure_pseudonymises_deletes_documents_and_records_events(
    client, admin_user, referrer, twente, django_capture_on_commit_callbacks
):
    placement_request = closed_request(referrer, years=1)  # well within every retention term
    youth = placement_request.youth
    document = placement_request.documents.get()
    path = document.path
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_erase_url(youth), GOOD)
    assert response.status_code == 302
    fresh = Youth.objects.get(pk=youth.pk)
    assert fresh.full_name == f"Jeugdige {youth.pk}" and fresh.bsn == "" and fresh.address == ""
    assert fresh.guardians.get().phone == ""
    assert not Document.objects.filter(pk=document.pk).exists() and not path.exists()
    erasure = Event.objects.get(event_type="youth_erasure_requested", subject_id=youth.pk)
    assert (erasure.actor, erasure.reason_code) == (admin_user, "jeugdwet_7_3_9")
    assert erasure.details["explanation"] == GOOD["explanation"]
    pseudonymised = Event.objects.get(event_type="youth_pseudonymised", subject_id=youth.pk)
    assert pseudonymised.reason_code == "erasure"
    assert Event.objects.filter(event_type="document_deleted", subject_id=document.pk, reason_code="erasure").exists()
    assert Pseudonymisation.objects.get(youth=youth).done_by == admin_user
    # Retention later leaves it alone; a second erasure is refused with the reason.
    assert services.retention_apply().youth_pseudonymised == 0
    response = client.post(_erase_url(youth), GOOD)
    assert response.status_code == 409 and "al gewist" in response.content.decode()
    assert Event.objects.filter(event_type="youth_erasure_requested", subject_id=youth.pk).count() == 1


def test_erasure_is_refused_while_a_request_is_open(client, admin_user, referrer, coordinator):
    placement_request = in_matching(referrer, coordinator)
    youth = placement_request.youth
    client.force_login(admin_user)
    page = client.get(f"/administration/privacy/youth/{youth.pk}/").content.decode()
    assert "Wissen kan nu niet:" in page and placement_request.reference in page
    response = client.post(_erase_url(youth), GOOD)
    html = response.content.decode()
    assert response.status_code == 409 and f"Er loopt nog een verzoek ({placement_request.reference})" in html
    assert _unchanged(youth) and placement_request.documents.count() == 1


@pytest.mark.parametrize(
    ("legal", "message"),
    [(machtiging(days=30), "machtiging gesloten jeugdzorg"), ({"legal_status": "ots"}, "kinderbeschermingsmaatregel")],
)
def test_erasure_is_refused_under_a_court_measure(admin_user, referrer, twente, legal, message):
    youth = closed_request(referrer, years=1).youth
    Youth.objects.filter(pk=youth.pk).update(**legal)
    with pytest.raises(Conflict) as error:
        services.youth_erase(
            membership=membership_with_role(admin_user, Role.ADMIN), youth_id=youth.pk, by=admin_user, **GOOD
        )
    assert message in str(error.value.detail)
    assert _unchanged(youth)


def test_an_expired_machtiging_no_longer_holds(admin_user, referrer, twente):
    youth = closed_request(referrer, years=1).youth
    Youth.objects.filter(pk=youth.pk).update(**machtiging(days=-1))
    services.youth_erase(
        membership=membership_with_role(admin_user, Role.ADMIN), youth_id=youth.pk, by=admin_user, **GOOD
    )
    assert Pseudonymisation.objects.filter(youth=youth, reason="erasure").exists()


def test_bad_input_names_every_field_and_changes_nothing(client, admin_user, referrer, twente):
    youth = closed_request(referrer, years=1).youth
    client.force_login(admin_user)
    response = client.post(_erase_url(youth), {"ground": "because", "explanation": "  "})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_ground-error"' in html and 'id="id_explanation-error"' in html
    assert _unchanged(youth)
    membership = membership_with_role(admin_user, Role.ADMIN)
    with pytest.raises(Invalid) as error:
        services.youth_erase(membership=membership, youth_id=youth.pk, ground="", explanation="", by=admin_user)
    assert {p["name"] for p in error.value.invalid_params} == {"ground", "explanation"}
    with pytest.raises(NotFound):
        services.youth_erase(membership=membership, youth_id=999999, by=admin_user, **GOOD)
    assert client.post("/administration/privacy/youth/999999/erase", GOOD).status_code == 404
    assert client.get(_erase_url(youth)).status_code == 405  # only POST
    assert _unchanged(youth)


def test_erasure_and_retention_share_one_pseudonymisation(referrer, admin_user, twente):
    """Both go through services.youth_pseudonymise: the same fields, the same pseudonym."""
    erased = closed_request(referrer, years=1).youth
    retained = closed_request(referrer, years=21).youth
    services.youth_erase(
        membership=membership_with_role(admin_user, Role.ADMIN), youth_id=erased.pk, by=admin_user, **GOOD
    )
    services.retention_apply()
    a, b = Youth.objects.get(pk=erased.pk), Youth.objects.get(pk=retained.pk)
    fields = ("given_names", "bsn_hash", "address", "postcode", "city", "school")
    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields] == ["Jeugdige", "", "", "", "", ""]
    assert (a.family_name, b.family_name) == (str(a.pk), str(b.pk))


def test_erasure_covers_every_record_of_the_person_and_waits_for_all(admin_user, referrer, twente):
    bsn = next_bsn()
    first = closed_request(referrer, years=1, youth=youth_data(bsn=bsn))
    second = make_request(referrer, submit=True, youth=youth_data(bsn=bsn))
    membership = membership_with_role(admin_user, Role.ADMIN)
    with pytest.raises(Conflict) as error:
        services.youth_erase(membership=membership, youth_id=first.youth_id, by=admin_user, **GOOD)
    assert second.reference in str(error.value.detail)
    assert _unchanged(first.youth)
    from intake import services as intake_services

    intake_services.request_withdraw(
        placement_request=second, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
    )
    services.youth_erase(membership=membership, youth_id=first.youth_id, by=admin_user, **GOOD)
    assert set(Pseudonymisation.objects.values_list("youth_id", flat=True)) == {first.youth_id, second.youth_id}
    assert not Document.objects.filter(request__in=[first, second]).exists()
