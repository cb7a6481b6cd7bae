import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import membership_with_role
from intake import services as intake_services
from intake.models import PlacementRequest
from tests.accounts.factories import member
from tests.placement.factories import make_request


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def admin_user(twente):
    return member(Role.ADMIN)


def years_ago(years: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=round(365.25 * years))


def closed_request(referrer, *, years: float, submit=True, youth=None):
    """A complete request the referrer withdrew (closed) `years` ago."""
    placement_request = make_request(referrer, submit=submit, youth=youth)
    intake_services.request_withdraw(
        placement_request=placement_request, by=referrer, membership=membership_with_role(referrer, Role.REFERRER)
    )
    PlacementRequest.objects.filter(pk=placement_request.pk).update(status_changed_at=years_ago(years))
    placement_request.refresh_from_db()
    return placement_request


def share_youth(placement_request, youth):
    """Point a request at another request's youth (a youth with several requests)."""
    PlacementRequest.objects.filter(pk=placement_request.pk).update(youth=youth)
    placement_request.refresh_from_db()
    return placement_request
