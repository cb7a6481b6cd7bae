"""Demo data for two real regions (Twente and Drenthe) with fictional organisations.

Idempotent: running it again updates the same rows. Refuses to run in production.
Each app may add its own demo data in `<app>/demo.py` with a function
`seed(organisations)` (idempotent); they run in INSTALLED_APPS order.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Organisation, Region, Role, User
from accounts.reference_data import reference_data_load
from accounts.two_factor import DEMO_EMAIL_DOMAIN

DEMO_PASSWORD = "demo"
TWENTE, DRENTHE = "JZ14", "JZ04"

ORGANISATIONS = {
    # key: (name, kind, extra fields, region codes)
    "wijkteam": ("Wijkteam Enschede-Noord (demo)", Organisation.Kind.REFERRER, {"referrer_code": "01"}, [TWENTE]),
    "gi": ("Jeugdbescherming Oost (demo)", Organisation.Kind.REFERRER, {"referrer_code": "04"}, [TWENTE, DRENTHE]),
    "cwv_twente": (
        "Coördinatiepunt Wonen en Verblijf Twente (demo)",
        Organisation.Kind.COORDINATION,
        {"email": "regie@twente.example.org", "phone": "053 000 0000"},
        [TWENTE],
    ),
    "rop_drenthe": (
        "Regie op plaatsing Drenthe (demo)",
        Organisation.Kind.COORDINATION,
        {"email": "regie@drenthe.example.org", "phone": "0592 000 000"},
        [DRENTHE],
    ),
    "horst": ("Jeugdzorg De Horst (demo)", Organisation.Kind.PROVIDER, {"agb_code": "98000001"}, [TWENTE]),
    "esch": ("Stichting Het Esch (demo)", Organisation.Kind.PROVIDER, {"agb_code": "98000002"}, [TWENTE, DRENTHE]),
    "contract_twente": ("Contractmanagement Jeugd Twente (demo)", Organisation.Kind.CONTRACT_MANAGEMENT, {}, [TWENTE]),
    "pool_twente": ("Pool gedragswetenschappers Twente (demo)", Organisation.Kind.EXPERT_POOL, {}, [TWENTE]),
    "beheer": ("Functioneel beheer (demo)", Organisation.Kind.ADMINISTRATION, {}, []),
}

USERS = [
    # username, first, last, organisation key, role, membership regions
    ("referrer", "Rianne", "Verwijs", "wijkteam", Role.REFERRER, []),
    ("referrer2", "Gert", "Instelling", "gi", Role.REFERRER, []),
    ("coordinator", "Carla", "Coördinator", "cwv_twente", Role.COORDINATOR, [TWENTE]),
    ("coordinator2", "Dirk", "Drenth", "rop_drenthe", Role.COORDINATOR, [DRENTHE]),
    ("provider", "Petra", "Aanbieder", "horst", Role.PROVIDER, []),
    ("provider2", "Paul", "Esch", "esch", Role.PROVIDER, []),
    ("contract_manager", "Karin", "Contract", "contract_twente", Role.CONTRACT_MANAGER, [TWENTE]),
    ("behavioural_scientist", "Bas", "Gedrag", "pool_twente", Role.BEHAVIOURAL_SCIENTIST, [TWENTE]),
    ("admin", "Anna", "Beheer", "beheer", Role.ADMIN, []),
    # A second administrator: role grants are four-eyes (one asks, another approves).
    ("admin2", "Bert", "Beheer", "beheer", Role.ADMIN, []),
]


class Command(BaseCommand):
    help = "Load reference data and idempotent demo data (refuses to run in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production.")
        reference_data_load()
        with transaction.atomic():
            organisations = self._organisations()
            self._users(organisations)
            for app_config in apps.get_app_configs():
                if importlib.util.find_spec(f"{app_config.name}.demo") is not None:
                    importlib.import_module(f"{app_config.name}.demo").seed(organisations)
        self.stdout.write("\nDemo logins (password for all: demo):")
        for username, *_rest, role, _regions in USERS:
            self.stdout.write(f"  {username:<24} {Role(role).label}")
        if settings.TWO_FACTOR_DEMO_EXEMPT:
            self.stdout.write("Two-factor authentication: skipped for these demo users (TWO_FACTOR_DEMO_EXEMPT).")
        else:
            self.stdout.write(
                "Two-factor authentication: coordinators, providers, the behavioural scientist and the admin\n"
                "set up an authenticator app at their first login (or run with TWO_FACTOR_DEMO_EXEMPT=true)."
            )

    def _organisations(self):
        regions = {region.code: region for region in Region.objects.filter(code__in=[TWENTE, DRENTHE])}
        result = {}
        for key, (name, kind, extra, region_codes) in ORGANISATIONS.items():
            organisation, _ = Organisation.objects.update_or_create(kind=kind, name=name, defaults=extra)
            organisation.regions.set([regions[code] for code in region_codes])
            result[key] = organisation
        return result

    def _users(self, organisations):
        regions = {region.code: region for region in Region.objects.filter(code__in=[TWENTE, DRENTHE])}
        for username, first, last, org_key, role, region_codes in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@{DEMO_EMAIL_DOMAIN}"},
            )
            if created or not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
                user.save()
            if role == Role.ADMIN and not user.is_staff:
                user.is_staff = user.is_superuser = True
                user.save()
            membership, _ = Membership.objects.get_or_create(user=user, organisation=organisations[org_key], role=role)
            membership.regions.set([regions[code] for code in region_codes])
