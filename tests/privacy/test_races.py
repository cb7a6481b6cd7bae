"""Two retention runs at once, or a run and an erasure: each youth is pseudonymised and
each document deleted exactly once (real concurrent transactions)."""

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.models import Event
from intake.models import Document
from privacy import services
from privacy.models import Pseudonymisation, RetentionRun
from tests.placement.test_offer_races import no_outbox_delivery, race  # noqa: F401 - fixture
from tests.privacy.conftest import closed_request


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_handle_each_youth_and_document_once(referrer, twente, private_media):
    requests = [closed_request(referrer, years=21) for _ in range(4)]
    results = race(services.retention_apply, services.retention_apply)
    assert all(isinstance(r, RetentionRun) for r in results), results
    assert sum(r.youth_pseudonymised for r in results) == 4
    assert sum(r.documents_deleted for r in results) == 4
    assert Pseudonymisation.objects.count() == 4 and not Document.objects.exists()
    for placement_request in requests:
        assert (
            Event.objects.filter(event_type="youth_pseudonymised", subject_id=placement_request.youth_id).count() == 1
        )


@pytest.mark.django_db(transaction=True)
def test_erasure_during_a_run_pseudonymises_once(referrer, twente, admin_user, private_media):
    youth = closed_request(referrer, years=21).youth
    membership = membership_with_role(admin_user, Role.ADMIN)
    results = race(
        services.retention_apply,
        lambda: services.youth_erase(
            membership=membership, youth_id=youth.pk, ground="avg_17_1_a", explanation="Verzoek", by=admin_user
        ),
    )
    assert Pseudonymisation.objects.filter(youth=youth).count() == 1
    assert Event.objects.filter(event_type="youth_pseudonymised", subject_id=youth.pk).count() == 1
    # Either the erasure came first (the run found nothing) or it was refused: already erased.
    run, erased = results
    assert isinstance(run, RetentionRun)
    assert run.youth_pseudonymised + (0 if isinstance(erased, Exception) else 1) == 1
