"""Retention runs in the Django admin: read-only, and only for product administrators."""

import pytest

from accounts.models import Role
from tests.accounts.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def test_only_administrators_see_retention_runs_and_nobody_changes_them(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # a superuser flag alone
    assert client.get("/admin/privacy/retentionrun/").status_code == 403
    administrator = member(Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    assert client.get("/admin/privacy/retentionrun/").status_code == 200
    assert client.get("/admin/privacy/retentionrun/add/").status_code == 403
