import factory

from accounts.models import Municipality, Organisation
from capacity.models import CareType, Facility, Specialisation
from tests.accounts.factories import OrganisationFactory, reference_data_ensure


def taxonomy_ensure():
    """Transactional tests truncate every table; reference data and taxonomy come back together."""
    reference_data_ensure()


def care_type(code="kwv-open") -> CareType:
    taxonomy_ensure()
    return CareType.objects.get(code=code)


def specialisation(code) -> Specialisation:
    taxonomy_ensure()
    return Specialisation.objects.get(code=code)


def municipality(code="GM0153") -> Municipality:  # Enschede, Twente
    reference_data_ensure()
    return Municipality.objects.get(code=code)


def provider_org(**kwargs) -> Organisation:
    return OrganisationFactory(kind=Organisation.Kind.PROVIDER, **kwargs)


class FacilityFactory(factory.django.DjangoModelFactory):
    """A facility with figures set directly (test setup); tests of behaviour change them
    through capacity.services only."""

    class Meta:
        model = Facility
        skip_postgeneration_save = True

    provider = factory.LazyFunction(provider_org)
    name = factory.Sequence(lambda n: f"Locatie {n}")
    address = "Teststraat 1"
    postcode = "7511 AB"
    municipality = factory.LazyFunction(municipality)
    care_type = factory.LazyFunction(care_type)
    security_level = "open"
    age_min = 12
    age_max = 18
    genders = factory.LazyFunction(lambda: ["female", "male", "other"])
    intensity_band = "M"
    group_size = 6
    places_contracted = 6
    places_staffed = 6
    occupied_internal = 0
    occupied_external = 0
    held = 0

    @factory.post_generation
    def regions_served(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.regions_served.set(extracted)

    @factory.post_generation
    def specialisations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.specialisations.set(extracted)
