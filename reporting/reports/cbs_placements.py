"""The placements in the shape of CBS *Beleidsinformatie Jeugd* (issue 12): one row per
placement that ran in the period (started on or before its last day and not ended before
its first), for the regions in scope.

Row-level data, so only coordinators (their regions) and administrators (any region or
nationally) may make it; contract managers see figures, never records. It is an export
only (no dashboard page) and has nothing to suppress: every column is a code, a date or a
pseudonym (TEXT). No BSN, name or birth date: the client is a keyed hash of the youth's
id (`core.crypto.blind_index` under BLIND_INDEX_KEY, purpose "cbs_client"), the same for
the same youth across placements and exports, meaningless without the key.

Every code is checked against data/cbs_codelijsten.csv (`core.code_lists.cbs_code_check`):
a code CBS does not know stops the export rather than being written.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import ReferrerCode, Role
from core import code_lists
from core.code_lists import cbs_code_check
from core.crypto import blind_index
from placement.models import PlacementKind
from reporting.registry import report
from reporting.reports.common import Scope, fetch, scope_from_params
from reporting.tables import TEXT, Column, Table

CODE = "cbs-placements"
ROLES = (Role.COORDINATOR, Role.ADMIN)
CLIENT_KEY_PURPOSE = "cbs_client"
CLIENT_KEY_LENGTH = 32  # hex characters (128 bits) of the HMAC
CRISIS_YES, CRISIS_NO = "01", "02"
# A request from an organisation that carries no CBS referrer code (not a referrer
# organisation) had no referrer in the CBS sense.
NO_REFERRER = ReferrerCode.NONE

PLACEMENTS_SQL = """
    SELECT p.id, p.youth_id, p.start_date, p.end_date, p.kind, p.end_reason,
           m.code AS municipality, reg.code AS region, prov.agb_code,
           coalesce(ct.cbs_care_form, fct.cbs_care_form) AS care_form,
           org.referrer_code
    FROM placement_placement p
    JOIN placement_placementrequest r ON r.id = p.request_id
    JOIN accounts_region reg ON reg.id = r.region_id
    JOIN placement_youth y ON y.id = p.youth_id
    JOIN accounts_municipality m ON m.id = y.municipality_id
    JOIN capacity_facility f ON f.id = p.facility_id
    JOIN capacity_caretype fct ON fct.id = f.care_type_id
    LEFT JOIN capacity_caretype ct ON ct.id = p.care_type_id
    JOIN accounts_organisation org ON org.id = r.referrer_organisation_id
    JOIN accounts_organisation prov ON prov.id = p.provider_id
    WHERE r.region_id = ANY(%(regions)s)
      AND p.start_date <= %(end)s AND (p.end_date IS NULL OR p.end_date >= %(start)s)
    ORDER BY p.start_date, p.id
"""


def client_key(youth_id: int) -> str:
    """The pseudonymous client key of a youth (never the BSN or a name)."""
    return blind_index(str(youth_id), purpose=CLIENT_KEY_PURPOSE)[:CLIENT_KEY_LENGTH]


def columns() -> list[Column]:
    return [
        Column("client", _("Cliëntsleutel (pseudoniem)"), kind=TEXT),
        Column("municipality", _("Gemeentecode woonplaats"), kind=TEXT),
        Column("start", _("Begindatum"), kind=TEXT),
        Column("end", _("Einddatum"), kind=TEXT),
        Column("care_form", _("Hulpvorm"), kind=TEXT),
        Column("referrer", _("Verwijzer"), kind=TEXT),
        Column("crisis", _("Crisis"), kind=TEXT),
        Column("end_reason", _("Reden beëindiging"), kind=TEXT),
        Column("region", _("Jeugdregio"), kind=TEXT),
        Column("provider_agb", _("AGB-code aanbieder"), kind=TEXT),
    ]


def row_of(record: dict) -> dict:
    crisis = CRISIS_YES if record["kind"] == PlacementKind.CRISIS else CRISIS_NO
    return {
        "client": client_key(record["youth_id"]),
        "municipality": record["municipality"],
        "start": record["start_date"].isoformat(),
        "end": record["end_date"].isoformat() if record["end_date"] else "",
        "care_form": cbs_code_check(code_lists.CARE_FORM, record["care_form"]),
        "referrer": cbs_code_check(code_lists.REFERRER, record["referrer_code"] or NO_REFERRER),
        "crisis": cbs_code_check(code_lists.CRISIS, crisis),
        "end_reason": cbs_code_check(code_lists.END_REASON, record["end_reason"]) if record["end_reason"] else "",
        "region": record["region"],
        "provider_agb": record["agb_code"],
    }


def build(scope: Scope) -> list[Table]:
    rows = [row_of(record) for record in fetch(PLACEMENTS_SQL, scope.sql())]
    return [
        Table(
            "placements",
            _("Plaatsingen (CBS Beleidsinformatie Jeugd)"),
            columns(),
            rows,
            description=_(
                "Eén rij per plaatsing die in de periode liep (begonnen op of voor de laatste dag, niet beëindigd "
                "voor de eerste). Codes volgens de CBS-codelijsten: hulpvorm 11-14, verwijzer 01-06 en 08, "
                "crisis 01 (ja) of 02 (nee), reden beëindiging 01-05. De cliëntsleutel is een pseudoniem, "
                "geen BSN of naam."
            ),
        )
    ]


@report(CODE, roles=ROLES, row_level=True)
def cbs_placements(*, membership, params):
    return build(scope_from_params(membership, params))
