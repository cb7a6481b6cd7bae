"""Issue 15: the role check and the navigation read the user's memberships once per
request (accounts.permissions.request_memberships), for the user of that moment."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Organisation, Role, User
from accounts.permissions import request_memberships


def _user(name, role):
    organisation = Organisation.objects.create(name=f"Org {name}", kind=Organisation.Kind.REFERRER, referrer_code="01")
    user = User.objects.create(username=name)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.mark.django_db
def test_read_once_per_request_and_again_for_another_user():
    first, second = _user("eerste", Role.REFERRER), _user("tweede", Role.COORDINATOR)
    request = RequestFactory().get("/")
    request.user = first
    assert [m.role for m in request_memberships(request)] == [Role.REFERRER]
    with CaptureQueriesContext(connection) as again:
        assert [m.role for m in request_memberships(request)] == [Role.REFERRER]
    assert len(again.captured_queries) == 0
    request.user = second  # a login within the request
    assert [m.role for m in request_memberships(request)] == [Role.COORDINATOR]
