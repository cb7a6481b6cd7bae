"""Issue 16 (fit-outcome): placements with outcomes known by construction, written with
the ORM at dates relative to a chosen day (tests.reporting.factories.Scenario)."""

import datetime as dt

from django.utils import timezone

from tests.reporting.factories import Scenario


class Outcomes:
    """Placements of one profile at one facility. `today` is the day the rule looks."""

    def __init__(self, scenario: Scenario | None = None, *, today: dt.date | None = None):
        self.s = scenario or Scenario()
        self.today = today or timezone.localdate()

    def placement(
        self,
        facility,
        *,
        started_days_ago: int,
        ended_after: int | None = None,
        reason: str = "01",
        transfer_after: int | None = None,
        specialisations=("trauma",),
        security="open",
        care_types=("behandelgroep",),
        region="JZ14",
    ):
        """A placement that started `started_days_ago` days before today; ended
        `ended_after` days after its start with `reason`; a transfer recorded
        `transfer_after` days after its start (the placement then ends that day)."""
        start = self.today - dt.timedelta(days=started_days_ago)
        if transfer_after is not None and ended_after is None:
            ended_after = transfer_after
        end = start + dt.timedelta(days=ended_after) if ended_after is not None else None
        request = self.s.request(
            referral=start - dt.timedelta(days=20),
            status="ended" if end else "placed",
            care_types=care_types,
            specialisations=list(specialisations),
            security=security,
            region=region,
        )
        offer = self.s.offer(request, facility, created=start - dt.timedelta(days=10), status="accepted")
        placement = self.s.placement(request, offer, start=start, end=end, reason=reason if end else "")
        if transfer_after is not None:
            # recorded at local midnight of that day (Scenario.transfer)
            self.s.transfer(placement, referral=start + dt.timedelta(days=transfer_after))
        return placement

    def many(self, facility, n: int, **kwargs):
        return [self.placement(facility, **kwargs) for _ in range(n)]
