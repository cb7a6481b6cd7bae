"""Rows for report scenarios, written directly with the ORM at known dates (the offer and
placement services of issue 5 are built elsewhere; reports read only the models)."""

import datetime as dt
import itertools

from django.utils import timezone

from accounts.models import Municipality, Organisation, Region, Role
from capacity.models import AvailabilityChange
from intake.models import ExplanatoryAnalysis, PlacementRequest, Youth
from placement.models import Offer, Placement, Transfer, WaitingPeriod
from tests.accounts.factories import OrganisationFactory, member
from tests.capacity.factories import FacilityFactory, care_type, municipality, provider_org

_n = itertools.count(1)


def at(day: dt.date, hour=0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


class Scenario:
    """Builder with one referrer organisation and user."""

    def __init__(self):
        self.org = OrganisationFactory(kind=Organisation.Kind.REFERRER)
        self.user = member(Role.REFERRER, organisation=self.org)

    def request(
        self,
        *,
        referral: dt.date,
        region="JZ14",
        home="GM0153",
        status="matching",
        care_types=("kwv-open",),
        specialisations=(),
        security="open",
        max_km=None,
        birth=dt.date(2010, 6, 1),
        outcome="",
        status_changed: dt.date | None = None,
        kind="first_placement",
        previous=None,
        referred=True,  # False: never submitted, so no referral date (`referral` dates the row)
    ):
        youth = (
            previous.youth
            if previous
            else Youth.objects.create(
                given_names="Sam",
                family_name=f"Geheim{next(_n)}",
                birth_date=birth,
                gender="male",
                municipality=Municipality.objects.get(code=home),
            )
        )
        request = PlacementRequest.objects.create(
            youth=youth,
            referrer_organisation=self.org,
            referrer=self.user,
            region=Region.objects.get(code=region),
            status=status,
            kind=kind,
            previous_request=previous,
            referral_date=referral if referred else None,
            crisis_dossier_due=referral if status == "crisis" else None,  # the database requires it (issue 11)
            outcome=outcome,
            status_changed_at=at(status_changed or referral, 12),
            created_at=at(referral),
        )
        analysis = ExplanatoryAnalysis.objects.create(
            request=request,
            version=1,
            created_by=self.user,
            care_types=list(care_types),
            specialisations=list(specialisations),
            intensity="M",
            security=security,
            max_distance_km=max_km,
        )
        PlacementRequest.objects.filter(pk=request.pk).update(analysis=analysis)
        request.refresh_from_db()
        return request

    def offer(self, request, facility, *, created: dt.date, status="open", reason="", answered: dt.date | None = None):
        answered_at = None if status == "open" else at(answered or created + dt.timedelta(days=2), 10)
        return Offer.objects.create(
            request=request,
            facility=facility,
            provider=facility.provider,
            analysis=request.analysis,
            status=status,
            pseudonym=f"PS-{next(_n):06d}",
            created_at=at(created, 9),
            created_by=self.user,
            deadline=at(created + dt.timedelta(days=7), 17),
            answered_at=answered_at,
            decline_reason=reason,
            motivation="Toelichting" if reason else "",
            withdraw_reason="Andere plek" if status == "withdrawn" else "",
        )

    def placement(
        self,
        request,
        offer,
        *,
        start: dt.date,
        end: dt.date | None = None,
        reason="",
        needs_new_place=False,
        destination="unknown",
    ):
        return Placement.objects.create(
            request=request,
            offer=offer,
            youth=request.youth,
            facility=offer.facility,
            provider=offer.provider,
            start_date=start,
            end_date=end,
            end_reason=reason,
            aftercare_destination=destination if end else "",
            needs_new_place=needs_new_place,
            created_by=self.user,
        )

    def transfer(self, placement, *, referral: dt.date, status="matching"):
        new = self.request(referral=referral, kind="transfer", previous=placement.request, status=status)
        Transfer.objects.create(
            from_placement=placement, new_request=new, youth=placement.youth, created_at=at(referral)
        )
        return new

    def waiting(self, request, *, started: dt.date, reason="fitting_full", ended: dt.date | None = None):
        return WaitingPeriod.objects.create(
            request=request,
            reason=reason,
            bridging_care="Ambulant",
            started_by=self.user,
            started_at=at(started, 11),
            ended_at=at(ended, 11) if ended else None,
        )


def facility(*, provider=None, code="GM0153", care="kwv-open", **figures):
    return FacilityFactory(
        provider=provider or provider_org(),
        municipality=municipality(code),
        care_type=care_type(care),
        active_from=dt.date(2020, 1, 1),
        **figures,
    )


def history(facility, day: dt.date, *, contracted, staffed, occupied=0, external=0, held=0, kind="updated"):
    return AvailabilityChange.objects.create(
        facility=facility,
        changed_at=at(day),
        kind=kind,
        places_contracted=contracted,
        places_staffed=staffed,
        occupied_internal=occupied,
        occupied_external=external,
        held=held,
    )
