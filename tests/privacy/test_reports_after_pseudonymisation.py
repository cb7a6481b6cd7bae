"""Reports keep working after pseudonymisation: every figure of the hand-worked Q1 2025
Twente scenario is the same once every youth in it is pseudonymised."""

import pytest

from intake.models import Youth
from privacy import services
from privacy.models import Pseudonymisation
from reporting.reports import occupancy, refusals, transfers, unmet_need, waiting
from tests.reporting.conftest import q1_scope, scenario, summary, table  # noqa: F401 - scenario is a fixture

pytestmark = pytest.mark.django_db
REPORTS = (unmet_need, refusals, transfers, occupancy, waiting)


def _figures(region):
    return {
        module.__name__: [
            (t.key, [{k: str(v) for k, v in r.items()} for r in t.rows]) for t in module.build(q1_scope(region))
        ]
        for module in REPORTS
    }


def test_every_report_is_unchanged_when_every_youth_is_pseudonymised(scenario):  # noqa: F811
    twente = scenario["twente"]
    before = _figures(twente)
    drill_before = unmet_need.drill(q1_scope(twente), {"figure": "waiting", "dim": "age_band", "value": "16-17"})
    for youth in Youth.objects.all():
        assert services.youth_pseudonymise(
            youth=youth, reason=Pseudonymisation.Reason.ERASURE, by=scenario["r1"].referrer
        )
    assert all(youth.given_names == "Jeugdige" for youth in Youth.objects.all())  # encrypted: no SQL filter
    assert _figures(twente) == before
    # The pseudonymised youth still counts, in its age band (R3, born 2008-01-01: 16-17).
    tables = unmet_need.build(q1_scope(twente))
    assert summary(tables)["Verwezen en nog niet geplaatst op 31-03-2025"] == 2
    by_age = {str(r["label"]): r["waiting"] for r in table(tables, "waiting_by_age_band").rows}
    assert by_age["16-17 jaar"] == 1 and by_age["Totaal"] == 2
    assert (
        unmet_need.drill(q1_scope(twente), {"figure": "waiting", "dim": "age_band", "value": "16-17"}) == drill_before
    )
