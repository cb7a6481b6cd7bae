"""Demo contracts (issue 12 point 2): each demo provider a contract with each region it
works for, so the contract screens and the "contracts" report are not empty.
Idempotent: a provider and region that already have a contract are left alone."""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from accounts.models import Region
from capacity.models import Contract, ContractChange, ContractTariff, Facility

# provider key, region code, funding form, day tariff, band tariffs, guarantee share, yearly budget
CONTRACTS = [
    ("horst", "JZ14", "inspanningsgericht", "285.00", {"M": "300.00", "P": "420.00"}, 0.5, None),
    ("esch", "JZ14", "taakgericht", None, {"M": "310.00", "T": "560.00"}, None, "1200000.00"),
    ("esch", "JZ04", "outputgericht", "295.00", {"Z": "780.00"}, None, None),
]


def seed_contracts(organisations):
    start = date(timezone.localdate().year - 2, 1, 1)
    regions = {r.code: r for r in Region.objects.filter(code__in=[c[1] for c in CONTRACTS])}
    for key, code, form, tariff, bands, guarantee, budget in CONTRACTS:
        provider, region = organisations[key], regions[code]
        if Contract.objects.filter(provider=provider, region=region).exists():
            continue
        places = (
            Facility.objects.filter(provider=provider, municipality__region=region).aggregate(
                n=Sum("places_contracted")
            )["n"]
            or 4
        )
        contract = Contract.objects.create(
            provider=provider,
            region=region,
            reference=f"DEMO-{code}-{key.upper()}",
            start_date=start,
            funding_form=form,
            places_contracted=places,
            day_tariff=Decimal(tariff) if tariff else None,
            guaranteed_places=int(places * guarantee) if guarantee else None,
            budget=Decimal(budget) if budget else None,
            notes="Democontract",
        )
        for band, amount in bands.items():
            ContractTariff.objects.create(contract=contract, band=band, day_tariff=Decimal(amount))
        ContractChange.objects.create(contract=contract, version=1, changes={"demo": [None, "aangemaakt"]})
