"""Contracts (issue 12 point 2): the database's refusals, the service's rules (all errors
at once), overlap refused also when two creates race, and the history of every change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from accounts.selectors import membership_with_role
from capacity import services
from capacity.contract_selectors import contract_get, contract_history, contract_list, contract_tariff
from capacity.models import Contract, ContractChange, ContractTariff
from core.errors import Forbidden, Invalid, NotFound
from tests.accounts.factories import member
from tests.capacity.factories import FacilityFactory, care_type, provider_org
from tests.placement.test_offer_races import race

pytestmark = pytest.mark.django_db

D = dt.date


def cm_membership(user):
    return membership_with_role(user, Role.CONTRACT_MANAGER)


def valid(provider, region, **extra):
    return {
        "provider": provider,
        "region": region,
        "start_date": D(2025, 1, 1),
        "end_date": D(2025, 12, 31),
        "funding_form": "inspanningsgericht",
        "places_contracted": 4,
        "day_tariff": Decimal("250.00"),
        **extra,
    }


def row(provider, region, **extra):
    data = valid(provider, region, **extra)
    return Contract(**data)


# --- The database refuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"end_date": D(2024, 12, 31)}, "contract_period"),
        ({"day_tariff": Decimal("0")}, "contract_tariff_positive"),
        ({"day_tariff": Decimal("-1")}, "contract_tariff_positive"),
        ({"funding_form": "per_uur"}, "contract_funding_form_valid"),
        ({"funding_form": "taakgericht"}, "contract_budget_for_task"),  # no budget
        ({"funding_form": "taakgericht", "budget": Decimal("0")}, "contract_budget_for_task"),
        ({"budget": Decimal("1000")}, "contract_budget_for_task"),  # budget on a non-taakgericht contract
        ({"guaranteed_places": 5}, "contract_guarantee"),  # more than the 4 contracted places
        ({"guaranteed_places": 2, "day_tariff": None}, "contract_guarantee"),  # a guarantee needs a day tariff
        ({"funding_form": "outputgericht", "guaranteed_places": 2}, "contract_guarantee"),
    ],
)
def test_the_database_refuses_an_impossible_contract(twente, fields, constraint):
    provider = provider_org()
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        row(provider, twente, **fields).save()


def test_the_database_refuses_negative_places_and_bad_band_tariffs(twente):
    provider = provider_org()
    with pytest.raises(IntegrityError), transaction.atomic():
        row(provider, twente, places_contracted=-1).save()
    contract = row(provider, twente)
    contract.save()
    for band, tariff, name in [("A", "10", "contract_tariff_band_code"), ("M", "0", "contract_band_tariff_positive")]:
        with pytest.raises(IntegrityError, match=name), transaction.atomic():
            ContractTariff.objects.create(contract=contract, band=band, day_tariff=Decimal(tariff))


def test_the_database_refuses_overlapping_contracts_of_the_same_scope(twente, drenthe):
    provider = provider_org()
    row(provider, twente, end_date=None).save()  # open end
    with pytest.raises(IntegrityError, match="overlaps"), transaction.atomic():
        row(provider, twente, start_date=D(2030, 1, 1), end_date=D(2030, 2, 1)).save()
    # Another region, another care type or another provider is another scope.
    row(provider, drenthe).save()
    row(provider, twente, care_type=care_type("kwv-open")).save()
    row(provider_org(), twente).save()
    assert Contract.objects.count() == 4


def test_adjacent_contracts_do_not_overlap(twente):
    provider = provider_org()
    row(provider, twente, end_date=D(2025, 6, 30)).save()
    row(provider, twente, start_date=D(2025, 7, 1), end_date=None).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        row(provider, twente, start_date=D(2025, 6, 30), end_date=D(2025, 6, 30)).save()


def test_the_history_is_append_only(twente, contract_manager):
    contract = services.contract_create(
        membership=cm_membership(contract_manager), by=contract_manager, **valid(provider_org(), twente)
    )
    change = ContractChange.objects.get(contract=contract)
    with pytest.raises(Exception, match="append_only|Cannot"), transaction.atomic():
        ContractChange.objects.filter(pk=change.pk).update(changes={})
    with pytest.raises(Exception, match="append_only|Cannot"), transaction.atomic():
        ContractChange.objects.filter(pk=change.pk).delete()


# --- The service --------------------------------------------------------------------------------


def test_create_names_every_bad_field_at_once_and_writes_nothing(twente, contract_manager):
    with pytest.raises(Invalid) as caught:
        services.contract_create(
            membership=cm_membership(contract_manager),
            by=contract_manager,
            provider=None,
            region=twente,
            start_date=D(2025, 5, 1),
            end_date=D(2025, 1, 1),
            funding_form="taakgericht",
            places_contracted=-3,
            day_tariff="abc",
            guaranteed_places=1,
            tariffs={"A": "10", "M": "0"},
        )
    names = sorted(p["name"] for p in caught.value.invalid_params)
    assert names == sorted(
        [
            "provider",
            "end_date",
            "places_contracted",
            "day_tariff",
            "budget",
            "guaranteed_places",
            "tariff_A",
            "tariff_M",
        ]
    )
    assert not Contract.objects.exists()


def test_create_keeps_tariffs_and_a_first_history_row(twente, contract_manager):
    provider = provider_org()
    contract = services.contract_create(
        membership=cm_membership(contract_manager),
        by=contract_manager,
        tariffs={"M": "300", "P": "410.50", "K": ""},
        **valid(provider, twente),
    )
    assert {t.band: t.day_tariff for t in contract.tariffs.all()} == {"M": Decimal("300"), "P": Decimal("410.50")}
    history = list(contract_history(contract=contract))
    assert [h.version for h in history] == [1]
    assert history[0].changes["places_contracted"] == [None, "4"]
    assert history[0].changes["tariffs"] == [None, "M: 300.00, P: 410.50"]
    assert contract_tariff(contract=contract, band="P", day=D(2025, 3, 1)) == Decimal("410.50")
    assert contract_tariff(contract=contract, band="K", day=D(2025, 3, 1)) == Decimal("250.00")  # day tariff


def test_update_records_old_and_new_values_per_version(twente, contract_manager):
    membership = cm_membership(contract_manager)
    provider = provider_org()
    contract = services.contract_create(membership=membership, by=contract_manager, **valid(provider, twente))
    services.contract_update(
        membership=membership,
        contract=contract,
        by=contract_manager,
        tariffs={"M": "280"},
        **valid(provider, twente, places_contracted=6, notes="Uitbreiding"),
    )
    services.contract_update(  # nothing changes: no new version
        membership=membership,
        contract=contract,
        by=contract_manager,
        tariffs={"M": "280"},
        **valid(provider, twente, places_contracted=6, notes="Uitbreiding"),
    )
    contract.refresh_from_db()
    assert contract.version == 2
    latest = contract_history(contract=contract).first()
    assert latest.version == 2 and latest.changed_by == contract_manager
    assert latest.changes == {
        "places_contracted": ["4", "6"],
        "notes": ["", "Uitbreiding"],
        "tariffs": [None, "M: 280.00"],
    }


def test_update_refuses_an_overlap_with_a_message_on_the_start_date(twente, contract_manager):
    membership = cm_membership(contract_manager)
    provider = provider_org()
    services.contract_create(membership=membership, by=contract_manager, **valid(provider, twente))
    later = services.contract_create(
        membership=membership, by=contract_manager, **valid(provider, twente, start_date=D(2026, 1, 1), end_date=None)
    )
    with pytest.raises(Invalid) as caught:
        services.contract_update(
            membership=membership,
            contract=later,
            by=contract_manager,
            **valid(provider, twente, start_date=D(2025, 6, 1), end_date=None),
        )
    assert caught.value.invalid_params[0]["name"] == "start_date"
    later.refresh_from_db()
    assert later.start_date == D(2026, 1, 1) and later.version == 1


def test_facility_must_be_the_providers_and_of_the_care_type(twente, contract_manager):
    provider = provider_org()
    other_facility = FacilityFactory()
    own = FacilityFactory(provider=provider, care_type=care_type("kwv-open"))
    with pytest.raises(Invalid) as caught:
        services.contract_create(
            membership=cm_membership(contract_manager),
            by=contract_manager,
            **valid(provider, twente, facility=other_facility),
        )
    assert [p["name"] for p in caught.value.invalid_params] == ["facility"]
    with pytest.raises(Invalid) as caught:
        services.contract_create(
            membership=cm_membership(contract_manager),
            by=contract_manager,
            **valid(provider, twente, facility=own, care_type=care_type("behandelgroep")),
        )
    assert [p["name"] for p in caught.value.invalid_params] == ["care_type"]


def test_only_contract_managers_of_the_region_write(twente, drenthe, contract_manager, coordinator):
    provider = provider_org()
    with pytest.raises(NotFound):
        services.contract_create(
            membership=cm_membership(contract_manager), by=contract_manager, **valid(provider, drenthe)
        )
    with pytest.raises(Forbidden):
        services.contract_create(
            membership=membership_with_role(coordinator, Role.COORDINATOR), by=coordinator, **valid(provider, twente)
        )
    assert not Contract.objects.exists()


def test_list_filters_and_scoping(twente, drenthe, contract_manager):
    a, b = provider_org(name="A"), provider_org(name="B")
    membership = cm_membership(contract_manager)
    c1 = services.contract_create(membership=membership, by=contract_manager, **valid(a, twente))
    c2 = services.contract_create(
        membership=membership,
        by=contract_manager,
        **valid(b, twente, funding_form="outputgericht", start_date=D(2026, 1, 1), end_date=None),
    )
    Contract.objects.create(**valid(a, drenthe))
    assert list(contract_list(membership=membership)) == [c1, c2]
    assert list(contract_list(membership=membership, provider_id=b.pk)) == [c2]
    assert list(contract_list(membership=membership, funding_form="inspanningsgericht")) == [c1]
    assert list(contract_list(membership=membership, active_on=D(2026, 3, 1))) == [c2]
    drenthe_contract = Contract.objects.get(region=drenthe)
    assert contract_get(membership=membership, pk=drenthe_contract.pk) is None
    assert contract_get(membership=membership, pk="abc") is None
    admin = member(Role.ADMIN)
    assert contract_list(membership=membership_with_role(admin, Role.ADMIN)).count() == 3


# --- Overlap under a real race -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_creates_at_once_one_wins(twente, contract_manager):
    from tests.accounts.factories import reference_data_ensure

    reference_data_ensure()
    colleague = member(Role.CONTRACT_MANAGER, regions=[twente])
    provider = provider_org()

    def create(user, **extra):
        return lambda: services.contract_create(
            membership=cm_membership(user), by=user, **valid(provider, twente, **extra)
        )

    results = race(create(contract_manager), create(colleague, start_date=D(2025, 6, 1), end_date=None))
    wins = [r for r in results if isinstance(r, Contract)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert isinstance(losses[0], Invalid) and losses[0].invalid_params[0]["name"] == "start_date"
    assert Contract.objects.filter(provider=provider).count() == 1


def test_demo_gives_every_demo_provider_a_contract_and_is_idempotent():
    import io

    from django.core.management import call_command

    from accounts.models import User

    call_command("seed_demo", stdout=io.StringIO())
    contracts = list(Contract.objects.select_related("provider", "region"))
    assert {c.provider.name for c in contracts} == {"Jeugdzorg De Horst (demo)", "Stichting Het Esch (demo)"}
    assert {c.funding_form for c in contracts} == {"inspanningsgericht", "taakgericht", "outputgericht"}
    call_command("seed_demo", stdout=io.StringIO())
    assert Contract.objects.count() == len(contracts)
    manager = cm_membership(User.objects.get(username="contract_manager"))
    assert contract_list(membership=manager).count() == 2  # Twente's two


def test_a_changed_planned_change_is_applied_with_its_new_values_by_the_existing_job(twente, contract_manager):
    from django.utils import timezone

    from capacity.models import PlannedCapacityChange

    facility = FacilityFactory(places_contracted=6, places_staffed=6)
    day = timezone.localdate() + dt.timedelta(days=3)
    change = services.capacity_change_plan(
        facility=facility, by=contract_manager, effective_date=day, places_contracted=2
    )
    services.capacity_change_update(
        change=change, by=contract_manager, effective_date=day + dt.timedelta(days=1), places_contracted=4
    )
    assert services.capacity_changes_apply_due(today=day) == {"applied": 0, "blocked": 0}  # moved a day later
    assert services.capacity_changes_apply_due(today=day + dt.timedelta(days=1)) == {"applied": 1, "blocked": 0}
    facility.refresh_from_db()
    assert facility.places_contracted == 4
    assert PlannedCapacityChange.objects.get().status == "applied"
    with pytest.raises(Exception, match="geplande"):
        services.capacity_change_update(change=change, by=contract_manager, effective_date=day, places_contracted=1)
