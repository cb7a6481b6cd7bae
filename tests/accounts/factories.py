import factory

from accounts.models import Membership, Organisation, Region, Role, User
from accounts.reference_data import reference_data_load

PASSWORD = "correct-horse-battery"


def reference_data_ensure():
    """Transactional tests truncate every table; put the reference data back if needed."""
    if not Region.objects.exists():
        reference_data_load()
    from capacity.models import CareType
    from capacity.taxonomy import taxonomy_load

    if not CareType.objects.exists():
        taxonomy_load()
    from capacity.models import RegionBandTariff
    from capacity.taxonomy import bands_load

    if not RegionBandTariff.objects.exists():
        bands_load()


def region(code: str) -> Region:
    reference_data_ensure()
    return Region.objects.get(code=code)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.REFERRER
    referrer_code = factory.LazyAttribute(lambda o: "01" if o.kind == Organisation.Kind.REFERRER else "")
    agb_code = factory.LazyAttributeSequence(
        lambda o, n: f"{97000000 + n:08d}" if o.kind == Organisation.Kind.PROVIDER else ""
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


ROLE_KIND = {
    Role.REFERRER: Organisation.Kind.REFERRER,
    Role.COORDINATOR: Organisation.Kind.COORDINATION,
    Role.PROVIDER: Organisation.Kind.PROVIDER,
    Role.CONTRACT_MANAGER: Organisation.Kind.CONTRACT_MANAGEMENT,
    Role.BEHAVIOURAL_SCIENTIST: Organisation.Kind.EXPERT_POOL,
    Role.ADMIN: Organisation.Kind.ADMINISTRATION,
}


def member(role: str, *, organisation=None, regions=(), username=None, **user_fields) -> User:
    """A user with one active membership in `role` (a new organisation unless given)."""
    organisation = organisation or OrganisationFactory(kind=ROLE_KIND[role])
    user = UserFactory(**({"username": username} if username else {}), **user_fields)
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    if regions:
        membership.regions.set(regions)
    if regions and not organisation.regions.exists():
        organisation.regions.set(regions)
    return user
