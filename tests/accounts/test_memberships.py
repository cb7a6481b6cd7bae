import pytest

from accounts.models import Membership, Organisation, Role
from accounts.selectors import membership_with_role, region_ids_of
from accounts.services import membership_create
from core.errors import Invalid
from core.models import Event
from tests.accounts.factories import OrganisationFactory, UserFactory


@pytest.mark.django_db
def test_coordinator_membership_is_scoped_to_its_regions(twente, drenthe):
    office = OrganisationFactory(kind=Organisation.Kind.COORDINATION)
    user = UserFactory()
    membership = membership_create(user=user, organisation=office, role=Role.COORDINATOR, regions=[twente, drenthe])
    assert region_ids_of(membership_with_role(user, Role.COORDINATOR)) == {twente.pk, drenthe.pk}
    assert Event.objects.filter(event_type="membership_created", subject_id=membership.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, kind, regions, field",
    [
        (Role.COORDINATOR, Organisation.Kind.COORDINATION, [], "regions"),  # region-scoped role without region
        (Role.CONTRACT_MANAGER, Organisation.Kind.CONTRACT_MANAGEMENT, [], "regions"),
        (Role.PROVIDER, Organisation.Kind.REFERRER, [], "organisation"),  # role does not fit the organisation
        ("superuser", Organisation.Kind.ADMINISTRATION, [], "role"),
    ],
)
def test_membership_that_breaks_a_rule_is_refused_and_nothing_is_written(role, kind, regions, field, twente):
    user = UserFactory()
    with pytest.raises(Invalid) as error:
        membership_create(user=user, organisation=OrganisationFactory(kind=kind), role=role, regions=regions)
    assert error.value.invalid_params[0]["name"] == field
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_inactive_memberships_and_organisations_grant_nothing(twente):
    office = OrganisationFactory(kind=Organisation.Kind.COORDINATION)
    user = UserFactory()
    membership = membership_create(user=user, organisation=office, role=Role.COORDINATOR, regions=[twente])
    membership.is_active = False
    membership.save()
    assert membership_with_role(user, Role.COORDINATOR) is None
    membership.is_active = True
    membership.save()
    office.is_active = False
    office.save()
    assert membership_with_role(user, Role.COORDINATOR) is None
