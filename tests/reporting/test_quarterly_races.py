"""The quarterly report under real concurrent transactions: two requests for the same
region and quarter make one report; two deliveries of the build task build it once; a
commentary save racing a publish is either saved before it or refused after it."""

import pytest

from accounts.models import Role
from accounts.selectors import membership_with_role
from core.errors import Conflict
from reporting.models import QuarterlyReport
from reporting.reports import REPORT_MODULES
from reporting.services import quarterly_commentary_save, quarterly_publish, quarterly_request, quarterly_run
from tests.placement.test_offer_races import outcome, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_requests_at_once_make_one_report(contract_manager, twente):
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)

    def ask():
        return quarterly_request(membership=membership, region="JZ14", year=2025, quarter=1, by=contract_manager).pk

    wins, losses = outcome(race(ask, ask))
    assert losses == [] and len(set(wins)) == 1
    assert QuarterlyReport.objects.count() == 1


def test_two_deliveries_of_the_task_build_once(scenario, twente):
    report = QuarterlyReport.objects.create(region=twente, year=2025, quarter=1)
    results = race(lambda: quarterly_run(report.pk), lambda: quarterly_run(report.pk))
    assert sorted(results) == [False, True]
    report.refresh_from_db()
    assert report.status == QuarterlyReport.Status.DONE


def test_a_commentary_save_racing_a_publish_never_changes_a_published_report(scenario, contract_manager, twente):
    membership = membership_with_role(contract_manager, Role.CONTRACT_MANAGER)
    report = QuarterlyReport.objects.create(
        region=twente, year=2025, quarter=1, status="done", commentary={code: "eerst" for code in REPORT_MODULES}
    )
    results = race(
        lambda: quarterly_publish(membership=membership, report_id=report.pk, by=contract_manager),
        lambda: quarterly_commentary_save(
            membership=membership, report_id=report.pk, texts={"occupancy": "later"}, by=contract_manager
        ),
    )
    report.refresh_from_db()
    assert report.published_at is not None and not isinstance(results[0], Exception)
    if isinstance(results[1], Exception):  # the save came second: refused, nothing written
        assert isinstance(results[1], Conflict) and report.commentary["occupancy"] == "eerst"
    else:  # the save came first: published with it
        assert report.commentary["occupancy"] == "later"
