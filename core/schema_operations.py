"""Per-operation texts of the OpenAPI document (issue 14.2), keyed by operationId.

`core.schema.postprocess_schema` applies them: summary and description (a view's own
docstring is kept after the description), the error statuses that cannot be derived from
the view, request and response examples and OpenAPI links between operations. Kept as
data in one place so views stay thin and a new endpoint shows up in
tests/api/test_spec_truth.py until it is described here.
"""

API_DESCRIPTION = """\
The API of *regie op plaatsing*: placement coordination for Dutch youth-care regions.

**Authentication.** `POST /auth/token` exchanges a username and password (and the
two-factor code where the role needs one) for a token that expires; send it as
`Authorization: Token <token>`. `DELETE /auth/token` revokes it.

**Scope.** A wrong role gets 403; another organisation's or region's object is 404.
Providers see nothing identifying about a youth until their organisation accepts an offer;
every read of identifying data is access-logged (NEN 7513).

**Errors** are `application/problem+json` (RFC 9457) with `type`, `title`, `status`,
`detail` and, for validation errors (422), `invalid_params` naming every refused field at
once. Unknown fields in a body are refused.

**Pagination.** Lists answer `{count, next, previous, results}`; `page` and `pageSize`
(at most 500) choose the page.

**Versioning.** The major version is in the path (`/api/v1`); every response carries the
full version in the `API-Version` header.
"""

TAGS = {
    "auth": "API tokens",
    "me": "The caller",
    "requests": "Placement requests, their dossier, triage, matching and offers",
    "offers": "Offers to providers and their answers",
    "placements": "Placements and their changes",
    "facilities": "Facilities and their live availability",
    "reports": "Reports with small counts suppressed",
    "assignments": "The behavioural-scientist pool",
}

# operationId -> (summary, description)
OPERATIONS = {
    # --- authentication and the caller ----------------------------------------------------
    "auth_token_create": (
        "Get an API token",
        "Exchange a username and password (and, with two-factor authentication, the code) for an API "
        "token that expires. One token per `client`: a new one replaces that client's old one. Failed "
        "attempts count towards the lockout (429 when locked).",
    ),
    "auth_token_destroy": ("Revoke the API token", "Revoke the token this request is made with."),
    "me_retrieve": ("Who am I", "The caller's username, name and memberships (organisation, role, regions)."),
    "regions_list": ("List youth regions", "All youth-care regions with their codes."),
    "municipalities_list": ("List municipalities", "Municipalities, optionally of one region (`region` code)."),
    # --- capacity ---------------------------------------------------------------------------
    "facilities_list": (
        "List facilities",
        "Facilities the caller may see with their live availability: coordinators and contract managers "
        "their regions' and national facilities, providers their own, administrators all.",
    ),
    "facilities_create": (
        "Create a facility",
        "Administrators create a facility; its figures are unconfirmed until the provider confirms them.",
    ),
    "facilities_retrieve": ("Get a facility", "One facility with its live availability."),
    "facilities_partial_update": (
        "Change a facility",
        "Administrators change some fields of a facility; fields left out stay as they are.",
    ),
    "facilities_availability_create": (
        "Report availability",
        "The owning provider's staff report staffed places and/or youth placed from outside the product; "
        "an empty body confirms the current figures unchanged.",
    ),
    "facilities_group_retrieve": ("Get a small home's group", "The current group of a small home, without names."),
    "facilities_group_update": (
        "Replace a small home's group",
        "The owning provider's staff replace the whole group; every bad field of every row is named at "
        "once (`residents.<row>.<field>`) and nothing is written.",
    ),
    "providers_list": ("List providers", "Care providers (administrators, coordinators, contract managers)."),
    "care_types_list": ("List care types", "The care taxonomy used by facilities and need profiles."),
    "specialisations_list": ("List specialisations", "Specialisations a facility can offer."),
    "regions_bands_retrieve": (
        "Get a region's tariff bands",
        "The G7 intensity bands with the region's current tariffs and their history (coordinators and "
        "contract managers of the region).",
    ),
    "regions_bands_update": (
        "Set a region's tariffs",
        "New tariffs per band from `valid_from`; the history is kept.",
    ),
    "contracts_list": (
        "List contracts",
        "Contracts of the caller's regions (administrators all), filtered by provider, funding form and "
        "the day they run.",
    ),
    "contracts_retrieve": ("Get a contract", "One contract with its tariffs."),
    # --- requests -----------------------------------------------------------------------------
    "requests_list": (
        "List placement requests",
        "Requests the caller may see, newest first, paginated; filter with `status` (repeatable). "
        "Without the youth's identifying data.",
    ),
    "requests_create": (
        "File a placement request",
        "A referrer files a draft request with the youth and, optionally, the analysis, plans, wishes and "
        "alternatives. The answer is the draft with what is still missing before it can be submitted.",
    ),
    "requests_retrieve": (
        "Get a placement request",
        "One request with the youth's identity and the whole dossier (access-logged).",
    ),
    "requests_partial_update": (
        "Change a draft request",
        "The referrer changes some fields of a draft; fields left out stay as they are.",
    ),
    "requests_analysis_update": (
        "Replace the explanatory analysis",
        "Replace the whole analysis (with need profile); writes a new version.",
    ),
    "requests_analysis_partial_update": (
        "Change the explanatory analysis",
        "Change some fields of the analysis; writes a new version.",
    ),
    "requests_analysis_help_create": (
        "Ask the pool for help with the analysis",
        "Before submission the referrer asks the behavioural-scientist pool for help.",
    ),
    "requests_documents_create": (
        "Upload a document",
        "Upload a required PDF (perspectiefplan, veiligheidsplan, zorgvraag, ...) as multipart/form-data.",
    ),
    "requests_documents_retrieve": ("Download a document", "The PDF itself (access-logged)."),
    "requests_documents_destroy": (
        "Remove a document",
        "Remove a document while the request is editable and no offer was made; the file is deleted.",
    ),
    "requests_submit_create": (
        "Submit a request",
        "The referrer submits a complete draft; 409 names what is missing or when the status does not allow it.",
    ),
    "requests_triage_create": (
        "Triage a request",
        "The coordinator accepts the request for matching, returns it to the referrer or closes it.",
    ),
    "requests_withdraw_create": (
        "Withdraw a request",
        "The referrer withdraws; an accepted request (place held) may also be withdrawn by the coordinator, "
        "with a reason, and its hold is released.",
    ),
    "requests_owner_create": ("Set who has a request in hand", "A coordinator of the region, or nobody."),
    "requests_events_retrieve": ("A request's timeline", "The request's events, oldest first."),
    "requests_matches_retrieve": (
        "Match a request",
        "Three explained lists of facilities: available now, fitting but full, and not fitting.",
    ),
    "requests_offers_create": (
        "Offer a request to a provider",
        "The coordinator puts the anonymised referral to one facility with a deadline; the texts pass the "
        "identifying-data check.",
    ),
    "requests_parking_lift_create": (
        "Lift a request's parking",
        "The coordinator lifts the parking of a request early, with a reason.",
    ),
    "requests_wait_create": (
        "Let a request wait",
        "No fitting place: the request waits, with a reason and optionally bridging care.",
    ),
    "requests_placement_create": (
        "Start a placement",
        "The provider starts the placement of an accepted request on its start date.",
    ),
    "requests_youth_link_create": (
        "Link a request to the youth of another request",
        "Both requests are for the same youth; the request takes the target request's youth.",
    ),
    "requests_youth_unlink_create": (
        "Unlink a request's youth",
        "The request gets its own copy of the youth again.",
    ),
    "requests_expert_table_meetings_create": (
        "Record an expert-table meeting",
        "Participants, decision and outcome of an expert-table meeting about the request.",
    ),
    "requests_crisis_submit_create": (
        "Submit a crisis placement's dossier",
        "The coordinator submits the dossier of a crisis placement (the referrer uses `/submit`).",
    ),
    "requests_crisis_triage_create": (
        "Triage a crisis placement's dossier",
        "The youth stays, or a longer-term place is sought (then a transfer request goes to matching).",
    ),
    "crisis_placements_create": (
        "Register a crisis placement",
        "A coordinator places a youth in crisis in one step; the follow-up dossier comes after. A full "
        "facility is 409 naming `facility`.",
    ),
    "youth_retrieve": ("A youth across requests", "The youth's requests, counts and timeline."),
    # --- offers and placements ----------------------------------------------------------------
    "offers_list": (
        "List offers",
        "Offers the caller may see, paginated: a provider its organisation's (anonymised until accepted), a "
        "coordinator its regions'.",
    ),
    "offers_retrieve": (
        "Get an offer",
        "One offer; a provider gets the anonymised referral and, after its organisation accepted, the "
        "identity (access-logged).",
    ),
    "offers_accept_create": (
        "Accept an offer",
        "The provider accepts before the deadline; the place is held and the identity becomes visible.",
    ),
    "offers_decline_create": ("Decline an offer", "The provider declines with a coded reason and a motivation."),
    "offers_withdraw_create": ("Withdraw an offer", "The coordinator withdraws an open offer, with a reason."),
    "offers_introduction_create": (
        "Record the introduction",
        "The outcome of the introduction meeting after acceptance (positive, doubts, negative).",
    ),
    "offers_fall_through_create": (
        "An accepted offer falls through",
        "Before the placement starts, a party withdraws; the request returns to matching.",
    ),
    "placements_end_create": (
        "End a placement",
        "End a running placement with a reason and the destination (after-care).",
    ),
    "placements_changes_list": ("A placement's changes", "The placement and the changes in place so far."),
    "placements_changes_create": (
        "Change a running placement",
        "Change intensity, care type or legal status from a date; the placement keeps running (not a transfer).",
    ),
    # --- pool (behavioural scientists) --------------------------------------------------------
    "assignments_list": ("List my assignments", "Analyses assigned to the calling behavioural scientist."),
    "assignments_waiting_retrieve": ("Requests waiting for the pool", "Requests waiting for a behavioural scientist."),
    "assignments_accept_create": ("Accept an assignment", "The behavioural scientist takes the assignment on."),
    "assignments_complete_create": ("Complete an assignment", "The behavioural scientist completes the assignment."),
    # --- region settings ----------------------------------------------------------------------
    "regions_settings_retrieve": ("Get a region's settings", "Decline policy and deadlines of the region."),
    "regions_settings_partial_update": ("Change a region's settings", "Change some of the region's settings."),
    "regions_settings_update": (
        "Replace a region's settings",
        "Set every setting of the region at once (all fields required); for its coordinators and administrators.",
    ),
    # --- reports ------------------------------------------------------------------------------
    "reports_unmet_need_retrieve": (
        "Report: unmet need",
        "Requests waiting longer than `threshold` days (1-3650), per care type; counts under 5 suppressed per role.",
    ),
    "reports_refusals_retrieve": ("Report: refusals", "Declines by reason and provider in the period."),
    "reports_transfers_retrieve": ("Report: transfers", "Transfers and premature endings in the period."),
    "reports_outcomes_retrieve": (
        "Report: outcomes of placements",
        "Whether placements held 90 and 180 days (ended according to plan, no transfer), per provider and "
        "care type and per specialisation, with Wilson 95% intervals, and transfers per 100 placements per "
        "region and year; counts under 5 suppressed per role.",
    ),
    "reports_occupancy_retrieve": ("Report: occupancy", "Occupancy of facilities over the period."),
    "reports_waiting_times_retrieve": ("Report: waiting times", "Waiting times from referral to placement."),
    "reports_indicators_retrieve": ("Report: indicators", "The region's indicators for the period."),
    "reports_contracts_retrieve": ("Report: contracts", "Use of contracts and their tariffs in the period."),
    "reports_quarterly_create": (
        "Request a quarterly report",
        "Starts building the quarterly report in the background; poll its status.",
    ),
    "reports_quarterly_retrieve": ("Status of a quarterly report", "Queued, running, done (with download) or failed."),
}

# Operations other parts of issue 14 add (api-resources, api-push); described here so the
# merged document has a text for each (unused until those parts are merged).
OPERATIONS.update(
    {
        "placements_list": ("List placements", "Placements the caller may see, paginated, with filters."),
        "placements_retrieve": ("Get a placement", "One placement (identity only for those who may see it)."),
        "transfers_list": ("List transfers", "Transfers between placements the caller may see, paginated."),
        "transfers_retrieve": ("Get a transfer", "One transfer."),
        "offers_documents_retrieve": (
            "Documents shared with an offer",
            "Which of the request's documents go with the offer (by kind until the provider accepts).",
        ),
        "offers_documents_update": (
            "Choose the documents of an offer",
            "The coordinator replaces the set of documents shared with the offer.",
        ),
        "requests_resume_matching_create": (
            "Resume matching",
            "A waiting request goes back to matching (a fitting place came free).",
        ),
        "assignments_retrieve": ("Get an assignment", "One behavioural-scientist assignment."),
        "availability_create": (
            "Report availability in bulk",
            "A provider's system reports many facilities at once, with the moment the figures were true; "
            "all or nothing, with an error per row.",
        ),
        "exports_create": ("Start an export", "Starts a CSV or XLSX export in the background; poll its status."),
        "exports_retrieve": ("Status of an export", "Queued, running, done (with download) or failed."),
        "exports_download_retrieve": ("Download an export", "The finished CSV or XLSX file."),
        "reports_quarterly_list": ("List quarterly reports", "Quarterly reports of the caller's regions."),
        "reports_quarterly_pdf_retrieve": ("Quarterly report as PDF", "The finished quarterly report as PDF."),
        "reports_quarterly_xlsx_retrieve": ("Quarterly report as XLSX", "The finished quarterly report as XLSX."),
        "notifications_list": ("List my notifications", "The caller's own in-app notifications, newest first."),
        "notifications_retrieve": ("Get a notification", "One of the caller's notifications."),
        "notifications_read_create": ("Mark a notification read", "Marks one of the caller's notifications read."),
        "webhooks_list": ("List webhook subscriptions", "The webhook subscriptions of the caller's organisation."),
        "webhooks_create": (
            "Subscribe a webhook",
            "A URL (https) and the events to receive; the signing secret is shown once.",
        ),
        "webhooks_retrieve": ("Get a webhook subscription", "One subscription of the caller's organisation."),
        "webhooks_destroy": ("Remove a webhook subscription", "Stops deliveries to this URL."),
        "webhooks_partial_update": (
            "Change, pause or resume a webhook subscription",
            "A partial change; `is_active: false` pauses the subscription (no deliveries), `true` resumes it.",
        ),
        "webhooks_deliveries_list": ("A webhook's deliveries", "The delivery log: attempts, status codes, retries."),
        "webhooks_ping_create": ("Ping a webhook", "Sends a signed test event to the subscription's URL."),
    }
)

# operationId -> error statuses that cannot be derived from the view (services' own checks)
ERRORS = {
    "auth_token_create": {401, 403},  # wrong credentials (issue 14.3: 401); a locked-out address
    "requests_create": {403, 409},
    "crisis_placements_create": {409},
    "facilities_create": {409},
    "reports_quarterly_create": {409},
}

# request body schema -> free texts the services refuse when blank (after stripping): the
# schema says so (minLength 1 and a non-space character), the server answers 422 naming them
NON_BLANK = {
    "DeclineInput": ["motivation"],
    "OfferWithdrawInput": ["reason"],
    "ParkingLiftInput": ["reason"],
    "YouthLinkInput": ["reason"],
    "YouthUnlinkInput": ["reason"],
}

REQUEST_EXAMPLES = {
    "auth_token_create": {"username": "referrer", "password": "demo", "client": "zorgsysteem"},
    "requests_create": {
        "youth": {
            "given_names": "Sanne",
            "family_name": "de Vries",
            "birth_date": "2011-04-02",
            "gender": "female",
            "municipality": "GM0153",
        },
        "urgency": "regular",
        "kind": "first_placement",
    },
    "requests_partial_update": {"urgency": "urgent"},
    "requests_triage_create": {"decision": "matching", "reason": ""},
    "requests_withdraw_create": {"reason": "Er is thuis een oplossing gevonden."},
    "offers_accept_create": {},
    "offers_decline_create": {"reason": "no_place", "motivation": "Ons team kan de gevraagde zorg nu niet bieden."},
    "offers_withdraw_create": {"reason": "De jongere is elders geplaatst."},
    "facilities_availability_create": {"places_staffed": 8, "occupied_external": 1},
    "facilities_partial_update": {"name": "De Horst - woongroep Noord"},
    "regions_settings_partial_update": {"freshness_days": 7},
    "requests_offers_create": {
        "facility": 12,
        "document_kinds": ["zorgvraag", "perspectiefplan"],
        "deadline": "2026-12-09T17:00:00Z",
    },
    "requests_owner_create": {"owner": 4},
    "requests_parking_lift_create": {"reason": "De aanbieder heeft weer plek in de woongroep."},
    "requests_wait_create": {
        "reason": "fitting_full",
        "bridging_care": {"what": "Ambulante begeleiding thuis, twee keer per week", "by": "Jeugdzorg De Horst"},
    },
    "requests_placement_create": {"start_date": "2026-12-14", "school": "Het Stedelijk Lyceum"},
    "requests_youth_link_create": {
        "target_request": 41,
        "reason": "Dezelfde jongere, eerder aangemeld door het wijkteam.",
    },
    "requests_youth_unlink_create": {"reason": "Bij nader inzien een andere jongere."},
    "requests_analysis_help_create": {"question": "Kunt u meekijken naar de hulpvraag in de analyse?"},
    "requests_crisis_triage_create": {"decision": "stay", "reason": ""},
    "offers_introduction_create": {"date": "2026-12-10", "outcome": "positive", "note": "Goed gesprek met ouders."},
    "placements_end_create": {
        "end_date": "2027-06-30",
        "reason": "01",
        "destination": "home",
        "narrative": "Doelen behaald; terug naar huis met ambulante nazorg.",
        "needs_new_place": False,
    },
    "placements_changes_create": {
        "effective_date": "2027-01-01",
        "intensity": "K",
        "reason": "Minder begeleiding nodig na de eerste maanden.",
    },
    "regions_bands_update": {"valid_from": "2027-01-01", "tariffs": {"K": "600.00"}},
    "assignments_complete_create": {"note": "Analyse aangevuld met het beeld van school."},
    "reports_quarterly_create": {"region": "JZ14", "year": 2026, "quarter": 3},
}

RESPONSE_EXAMPLES = {
    "me_retrieve": {
        200: {
            "username": "referrer",
            "name": "Rana Referent",
            "memberships": [
                {
                    "role": "referrer",
                    "organisation": "Wijkteam Enschede-Noord",
                    "organisation_kind": "referrer",
                    "regions": ["JZ14"],
                }
            ],
        }
    },
}

# --- Issue 14.2 (api-examples): an example for every operation. Shared bodies first, then
# the remaining request bodies and a response for every 2xx with a JSON body. ---


def _page(item):
    """A one-item page of a paginated list."""
    return {"count": 1, "next": None, "previous": None, "results": [item]}


_ANALYSIS = {
    "id": 41,
    "version": 2,
    "created_at": "2026-11-25T10:12:00+01:00",
    "presenting_problems": "Escalaties thuis, schoolverzuim sinds september.",
    "origins": "",
    "maintaining_factors": "Conflicten tussen ouders.",
    "protective_factors": "Goede band met oma; sport twee keer per week.",
    "hypotheses": "Onveilige hechting na wisselende opvoeders.",
    "goals": "Stabiel schoolbezoek en herstel van het contact met moeder.",
    "written_by": "Gedragswetenschapper",
    "made_with_youth": False,
    "made_with_family": False,
    "need_profile": {
        "care_types": ["woongroep", "gezinshuis"],
        "specialisations": ["trauma"],
        "intensity": "K",
        "security": "open",
        "preferred_region": "JZ14",
        "max_distance_km": 30,
        "school_continuity": False,
    },
}

_ASSIGNMENT = {
    "id": 9,
    "request": 41,
    "reference": "RP-2026-0041",
    "region": "JZ14",
    "status": "accepted",
    "before_submission": False,
    "question": "Kunt u meekijken naar de hulpvraag in de analyse?",
    "requested_at": "2026-12-02T09:15:00+01:00",
    "accepted_at": "2026-12-02T13:40:00+01:00",
    "completed_at": None,
    "waiting_working_days": 6,
    "completion_note": "",
}

_CARE_TYPE = {"code": "woongroep", "label": "Woongroep", "cbs_care_form": "11", "requires_authorisation": False}

_CONTRACT = {
    "id": 17,
    "provider": {"id": 7, "name": "Jeugdzorg De Horst"},
    "region": "JZ14",
    "facility": 12,
    "care_type": "woongroep",
    "reference": "TW-2026-017",
    "start_date": "2026-12-14",
    "end_date": "2027-06-30",
    "funding_form": "taakgericht",
    "places_contracted": 10,
    "day_tariff": "612.50",
    "guaranteed_places": 4,
    "budget": "250000.00",
    "tariffs": [{"band": "K", "day_tariff": "612.50"}],
    "notes": "Afspraken vastgelegd in het dossier.",
    "version": 2,
}

_COORDINATOR_OFFER = {
    "id": 27,
    "reference": "RP-2026-0041",
    "status": "open",
    "facility": {"id": 12, "name": "De Horst - woongroep Noord"},
    "created_at": "2026-11-25T10:12:00+01:00",
    "deadline": "2026-12-09T17:00:00+01:00",
    "reconfirm_availability": False,
    "analysis_version": 2,
    "referral": {
        "reference": "RP-2026-0041",
        "age": 15,
        "gender": "female",
        "region": "JZ14",
        "presenting_problems": "Escalaties thuis, schoolverzuim sinds september.",
    },
    "answered_at": None,
    "decline_reason": "",
    "motivation": "",
    "withdraw_reason": "",
    "fall_through_party": "",
    "fall_through_reason": "",
    "introduction": None,
    "placement": None,
    "request": 41,
    "provider": {"id": 7, "name": "Jeugdzorg De Horst"},
    "reoffer_reason": "",
}

_EXPORT_STATUS = {
    "id": 7,
    "report": "unmet-need",
    "format": "csv",
    "status": "done",
    "progress": 100,
    "params": {"region": "JZ14", "from": "2026-07-01", "to": "2026-09-30", "threshold": "90"},
    "created_at": "2026-11-25T10:12:00+01:00",
    "finished_at": "2026-12-02T09:15:00+01:00",
    "download": "https://regie.example.org/api/v1/exports/7/download",
}

_FACILITY = {
    "id": 12,
    "name": "De Horst - woongroep Noord",
    "provider": {"id": 7, "name": "Jeugdzorg De Horst", "agb_code": "98765432"},
    "address": "Oldenzaalsestraat 12",
    "postcode": "7511 AB",
    "municipality": {"code": "GM0153", "name": "Enschede", "latitude": "52.22150", "longitude": "6.89370"},
    "region": {"code": "JZ14", "name": "Twente", "freshness_days": 7},
    "care_type": {"code": "woongroep", "label": "Woongroep", "cbs_care_form": "11", "requires_authorisation": False},
    "specialisations": [{"code": "trauma", "label": "Trauma"}],
    "security_level": "open",
    "age_min": 12,
    "age_max": 18,
    "genders": ["female"],
    "intensity_band": "K",
    "group_size": 8,
    "care_product_code": "45A53",
    "regions_served": ["JZ14"],
    "serves_nationally": False,
    "active_from": "2026-01-01",
    "active_until": "2027-12-31",
    "places_contracted": 10,
    "places_staffed": 8,
    "places_occupied": 6,
    "occupied_internal": 6,
    "occupied_external": 1,
    "places_held": 1,
    "places_free": 1,
    "last_confirmed_at": "2026-12-02T09:15:00+01:00",
    "last_confirmed_by": "provider",
    "is_stale": False,
}

_GROUP = {
    "facility": 12,
    "recorded_at": "2026-12-01T16:00:00+01:00",
    "is_stale": False,
    "places_contracted": 10,
    "residents": [{"age": 15, "gender": "female", "level": "lvb", "machtiging": False}],
}

_MUNICIPALITY = {
    "id": 41,
    "code": "GM0153",
    "name": "Enschede",
    "region": "JZ14",
    "latitude": "52.22150",
    "longitude": "6.89370",
}

_NOTIFICATION = {
    "id": 301,
    "subject": "Nieuw aanbod voor De Horst - woongroep Noord",
    "body": "Er staat een aanbod voor u klaar; reageer voor de deadline.",
    "url": "/plaatsing/aanbod/27",
    "created_at": "2026-11-25T10:12:00+01:00",
    "read_at": None,
    "count": 1,
}

_OFFER_DOCUMENTS = {
    "offer": 27,
    "editable": True,
    "document_kinds": ["zorgvraag", "perspectiefplan"],
    "documents": [
        {
            "id": 41,
            "kind": "zorgvraag",
            "title": "Wachtenden per zorgsoort",
            "uploaded_at": "2026-12-02T09:15:00+01:00",
            "included": False,
        }
    ],
}

_OFFER_FOR_READER = _COORDINATOR_OFFER  # the same offer as its other readers see it

_OFFER_IDENTITY = {
    "given_names": "Sanne",
    "family_name": "de Vries",
    "birth_date": "2011-04-02",
    "bsn": "123456782",
    "address": "Kuipersdijk 48",
    "postcode": "7511 AB",
    "city": "Enschede",
    "school": "Het Stedelijk Lyceum",
    "guardians": [
        {"name": "M. de Vries", "relationship": "moeder", "phone": "06 12 34 56 78", "email": "m.devries@example.nl"}
    ],
}

_PLACEMENT = {
    "id": 19,
    "offer": 27,
    "facility": {"id": 12, "name": "De Horst - woongroep Noord"},
    "start_date": "2026-12-14",
    "school": "Het Stedelijk Lyceum",
    "handover": "Warme overdracht met het wijkteam.",
    "transport": "Ouders brengen de jongere.",
    "funding": "contract",
    "end_date": None,
    "end_reason": "",
    "end_narrative": "",
    "aftercare_destination": "",
    "needs_new_place": False,
    "intensity": "K",
    "care_type": "woongroep",
    "legal_status": "none",
    "machtiging_end_date": None,
    "transfer_request": None,
}

_PLACEMENT_CHANGES = {
    "placement": {
        "id": 19,
        "offer": 27,
        "facility": {"id": 12, "name": "De Horst - woongroep Noord"},
        "start_date": "2026-12-14",
        "school": "Het Stedelijk Lyceum",
        "handover": "Warme overdracht met het wijkteam.",
        "transport": "Ouders brengen de jongere.",
        "funding": "contract",
        "end_date": None,
        "end_reason": "",
        "end_narrative": "",
        "aftercare_destination": "",
        "needs_new_place": False,
        "intensity": "K",
        "care_type": "woongroep",
        "legal_status": "none",
        "machtiging_end_date": None,
        "transfer_request": None,
    },
    "changes": [
        {
            "id": 41,
            "field": "intensity",
            "old_value": "L",
            "new_value": "K",
            "old_end_date": None,
            "new_end_date": None,
            "effective_date": "2027-01-01",
            "reason": "Minder begeleiding nodig na de eerste maanden.",
            "created_at": "2026-11-25T10:12:00+01:00",
            "organisation": "Jeugdzorg De Horst",
        }
    ],
}

_PLACEMENT_LIST_ITEM = {
    "id": 19,
    "kind": "regular",
    "request": 41,
    "offer": 27,
    "reference": "RP-2026-0041",
    "facility": {"id": 12, "name": "De Horst - woongroep Noord"},
    "provider": {"id": 7, "name": "Jeugdzorg De Horst"},
    "start_date": "2026-12-14",
    "started_at": "2026-12-02T09:15:00+01:00",
    "end_date": None,
    "end_reason": "",
    "aftercare_destination": "",
    "needs_new_place": False,
    "intensity": "K",
    "care_type": "woongroep",
    "transfer": None,
}

_PROVIDER = {
    "id": 7,
    "name": "Jeugdzorg De Horst",
    "agb_code": "98765432",
    "email": "planning@dehorst.example.nl",
    "phone": "053 480 12 34",
    "regions": ["JZ14"],
    "is_active": True,
    "facility_count": 3,
}

_PROVIDER_OFFER = {
    "id": 27,
    "reference": "RP-2026-0041",
    "status": "open",
    "facility": {"id": 12, "name": "De Horst - woongroep Noord"},
    "created_at": "2026-11-25T10:12:00+01:00",
    "deadline": "2026-12-09T17:00:00+01:00",
    "reconfirm_availability": False,
    "analysis_version": 2,
    "referral": {
        "reference": "RP-2026-0041",
        "age": 15,
        "gender": "female",
        "region": "JZ14",
        "presenting_problems": "Escalaties thuis, schoolverzuim sinds september.",
    },
    "answered_at": None,
    "decline_reason": "",
    "motivation": "",
    "withdraw_reason": "",
    "fall_through_party": "",
    "fall_through_reason": "",
    "introduction": None,
    "placement": None,
    "identity": None,
}

_QUARTERLY_REPORT_STATUS = {
    "id": 5,
    "region": "JZ14",
    "year": 2026,
    "quarter": 3,
    "status": "done",
    "progress": 100,
    "published": True,
    "url": "https://regie.example.org/api/v1/reports/quarterly/5/pdf",
}

_REGION = {"id": 3, "code": "JZ14", "name": "Twente", "freshness_days": 7, "offer_response_working_days": 5}

_REGION_BANDS = {
    "region": "JZ14",
    "day": "2026-12-02",
    "bands": [
        {
            "code": "K",
            "label": "K (4,5-5 uur per etmaal)",
            "hours_from": "4.50",
            "hours_to": "5.00",
            "tariff_eur_per_day": "612.50",
            "history": [{"valid_from": "2027-01-01", "tariff_eur_per_day": "612.50"}],
        }
    ],
}

_REGION_SETTINGS = {
    "code": "JZ14",
    "name": "Twente",
    "freshness_days": 7,
    "offer_response_working_days": 5,
    "offer_response_working_days_urgent": 2,
    "offer_response_hours_crisis": 4,
    "offer_deadline_min_hours": 24,
    "offer_deadline_max_working_days": 10,
    "crisis_dossier_working_days": 5,
    "machtiging_warning_days": 30,
    "decline_parking_days": 14,
    "group_fit_hard": False,
    "decline_parking_reasons": ["no_place"],
}

_REPORT = {
    "report": "unmet-need",
    "tables": [
        {
            "key": "by_care_type",
            "title": "Wachtenden per zorgsoort",
            "columns": [
                {"key": "care_type", "label": "Zorgsoort"},
                {"key": "waiting", "label": "Langer dan de drempel wachtend"},
            ],
            "rows": [{"care_type": "Woongroep", "waiting": 7}, {"care_type": "Gezinshuis", "waiting": "<5"}],
        }
    ],
}

_REQUEST = {
    "id": 41,
    "reference": "RP-2026-0041",
    "status": "matching",
    "referral_date": "2026-11-25",
    "region": "JZ14",
    "kind": "first_placement",
    "urgency": "regular",
    "outcome": "",
    "status_reason": "",
    "previous_request": None,
    "owner": 4,
    "analysis_version": 2,
    "created_at": "2026-11-25T10:12:00+01:00",
    "submitted_at": "2026-11-26T09:30:00+01:00",
    "parked_until": None,
    "parked_reason": "",
}

_REQUEST_DETAIL = {
    "id": 41,
    "reference": "RP-2026-0041",
    "status": "matching",
    "referral_date": "2026-11-25",
    "region": "JZ14",
    "kind": "first_placement",
    "urgency": "regular",
    "outcome": "",
    "status_reason": "",
    "previous_request": None,
    "owner": 4,
    "analysis_version": 2,
    "created_at": "2026-11-25T10:12:00+01:00",
    "submitted_at": "2026-11-26T09:30:00+01:00",
    "parked_until": None,
    "parked_reason": "",
    "youth": {
        "given_names": "Sanne",
        "family_name": "de Vries",
        "birth_date": "2011-04-02",
        "gender": "female",
        "bsn": "123456782",
        "address": "Kuipersdijk 48",
        "postcode": "7511 AB",
        "city": "Enschede",
        "municipality": "GM0153",
        "legal_status": "none",
        "machtiging_end_date": None,
        "school": "Het Stedelijk Lyceum",
        "guardians": [
            {
                "name": "M. de Vries",
                "relationship": "moeder",
                "has_authority": False,
                "phone": "06 12 34 56 78",
                "email": "m.devries@example.nl",
            }
        ],
    },
    "referrer_organisation": "Wijkteam Enschede-Noord",
    "analysis": {
        "id": 41,
        "version": 2,
        "created_at": "2026-11-25T10:12:00+01:00",
        "presenting_problems": "Escalaties thuis, schoolverzuim sinds september.",
        "origins": "",
        "maintaining_factors": "Conflicten tussen ouders.",
        "protective_factors": "Goede band met oma; sport twee keer per week.",
        "hypotheses": "Onveilige hechting na wisselende opvoeders.",
        "goals": "Stabiel schoolbezoek en herstel van het contact met moeder.",
        "written_by": "Gedragswetenschapper",
        "made_with_youth": False,
        "made_with_family": False,
        "need_profile": {
            "care_types": ["woongroep", "gezinshuis"],
            "specialisations": ["trauma"],
            "intensity": "K",
            "security": "open",
            "preferred_region": "JZ14",
            "max_distance_km": 30,
            "school_continuity": False,
        },
    },
    "perspective_plan": {
        "goal": "Terug naar huis met ambulante begeleiding",
        "expected_duration_months": 12,
        "return_perspective": "home",
        "return_explanation": "Terug naar moeder zodra de thuissituatie stabiel is.",
    },
    "safety_plan": {
        "risks": "Weglopen bij spanning.",
        "agreements": "Wekelijks overleg met de gezinsvoogd.",
        "contacts": "Moeder: 06 12 34 56 78",
    },
    "wishes": {"youth": "Dicht bij school en oma blijven.", "parents": "Moeder heeft gezag."},
    "alternatives": [
        {
            "form": "ambulant",
            "description": "Ambulante gezinsbegeleiding door het wijkteam, een half jaar.",
            "why_insufficient": "Ambulante hulp thuis was onvoldoende.",
        }
    ],
    "documents": [
        {
            "id": 41,
            "kind": "perspectiefplan",
            "title": "Perspectiefplan Sanne",
            "size": 184233,
            "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "shareable": False,
            "uploaded_at": "2026-12-02T09:15:00+01:00",
            "download": "https://regie.example.org/api/v1/requests/41/documents/88",
        }
    ],
    "expert_table_meetings": [
        {
            "id": 41,
            "held_on": "2026-12-08",
            "participants": [{"role": "coordinator", "organisation": "Regio Twente"}],
            "advice": "Kleinschalige woonvorm met vaste begeleiders.",
            "decision": "matching",
            "motivation": "Kleinschalig wonen past het best bij de hulpvraag.",
            "outcome": "",
            "status_after": "matching",
            "recorded_at": "2026-12-02T09:15:00+01:00",
        }
    ],
    "missing": [{"name": "documents.perspectiefplan", "reason": "Upload het perspectiefplan (pdf)."}],
    "possible_duplicates": [
        {
            "visible": False,
            "region": "JZ14",
            "region_name": "Twente",
            "id": 41,
            "status": "submitted",
            "referral_date": "2026-11-25",
            "referrer_organisation": "Wijkteam Enschede-Noord",
            "contact": {
                "organisation": "Jeugdzorg De Horst",
                "email": "planning@dehorst.example.nl",
                "phone": "053 480 12 34",
            },
        }
    ],
}

_SPECIALISATION = {"code": "trauma", "label": "Trauma"}

_TIMELINE_EVENT = {
    "id": 41,
    "occurred_at": "2026-12-02T09:15:00+01:00",
    "event_type": "request_triaged",
    "from_state": "submitted",
    "to_state": "matching",
    "reason_code": "",
    "organisation": "Regio Twente",
    "reason": "",
    "analysis_version": 2,
    "facility_name": "",
}

_TRANSFER = {
    "id": 5,
    "from_placement": 19,
    "new_request": 52,
    "new_request_status": "matching",
    "facility": {"id": 12, "name": "De Horst - woongroep Noord"},
    "provider": {"id": 7, "name": "Jeugdzorg De Horst"},
    "start_date": "2026-03-02",
    "end_date": "2026-11-20",
    "end_reason": "05",
    "created_at": "2026-11-25T10:12:00+01:00",
}

_WEBHOOK_DELIVERY = {
    "id": 41,
    "event_id": "5f1c9a2e-7b3d-4e8a-9c61-2d4f8b0e3a17",
    "event_type": "offer.created",
    "payload": {"event": "offer.created", "offer": 27, "occurred_at": "2026-12-02T09:15:00+01:00"},
    "status": "delivered",
    "attempts": 1,
    "last_response_code": 200,
    "last_error": "",
    "created_at": "2026-11-25T10:12:00+01:00",
    "next_attempt_at": None,
    "delivered_at": "2026-12-02T09:15:00+01:00",
    "attempt_log": [
        {"attempt": 1, "at": "2026-12-02T09:15:00+01:00", "response_code": 200, "error": "", "duration_ms": 142}
    ],
}

_WEBHOOK_SUBSCRIPTION = {
    "id": 3,
    "url": "https://zorgsysteem.example.nl/hooks/regie",
    "event_types": ["offer.created"],
    "description": "Koppeling met ons zorgregistratiesysteem",
    "is_active": True,
    "created_by": "coordinator",
    "created_at": "2026-11-25T10:12:00+01:00",
    "deliveries_url": "https://regie.example.org/api/v1/webhooks/3/deliveries",
}

_YOUTH_LINK_RESULT = {"request": 41, "youth": 33}

_REQUEST_DETAIL_FOR_REFERRER = {key: value for key, value in _REQUEST_DETAIL.items() if key != "possible_duplicates"}
_REQUEST_DETAIL = {key: value for key, value in _REQUEST_DETAIL.items() if key != "missing"}  # as a coordinator sees it

_MATCH_FACILITY = {
    "id": 12,
    "name": "De Horst - woongroep Noord",
    "provider": "Jeugdzorg De Horst",
    "municipality": "Enschede",
    "care_type": "woongroep",
    "places_free": 1,
    "is_stale": False,
    "last_confirmed_at": "2026-12-01T16:00:00+01:00",
}
_CARE_TYPE_FITS = {"code": "care_type", "ok": True, "hard": True, "unknown": False, "text": "Biedt woongroep."}
_MATCHING = {
    "start_date": "2026-12-14",
    "available": [
        {
            "facility": _MATCH_FACILITY,
            "group": "Noord",
            "distance_km": 4.2,
            "specialisation_coverage": 1.0,
            "declined_this_request": False,
            "criteria": [_CARE_TYPE_FITS],
            "failed": [],
        }
    ],
    "full": [
        {
            "facility": {**_MATCH_FACILITY, "id": 14, "name": "Het Anker - gezinshuis Hengelo", "places_free": 0},
            "group": "",
            "distance_km": 11.8,
            "specialisation_coverage": 1.0,
            "declined_this_request": False,
            "criteria": [{**_CARE_TYPE_FITS, "text": "Biedt gezinshuis."}],
            "failed": [],
        }
    ],
    "unfit": [
        {
            "facility": {**_MATCH_FACILITY, "id": 21, "name": "Kamertraining Almelo", "care_type": "kamertraining"},
            "group": "",
            "distance_km": 22.5,
            "specialisation_coverage": 0.0,
            "declined_this_request": False,
            "criteria": [{**_CARE_TYPE_FITS, "ok": False, "text": "Biedt geen woongroep of gezinshuis."}],
            "failed": ["care_type"],
        }
    ],
    "unfit_total": 1,
    "unfit_page": 1,
    "unfit_pages": 1,
    "unfit_failed": {"care_type": 1},
}


REQUEST_EXAMPLES.update(
    {
        "availability_create": {
            "measured_at": "2026-12-02T08:00:00+01:00",
            "items": [{"facility": 12, "places_staffed": 8, "occupied_external": 1}],
        },
        "crisis_placements_create": {
            "request": None,
            "youth": {
                "municipality": 3,
                "given_names": "Sanne",
                "family_name": "de Vries",
                "birth_date": "2011-04-02",
                "gender": "female",
                "bsn": "123456782",
            },
            "referrer_organisation": 2,
            "facility": 12,
            "started_at": "2026-12-02T09:15:00+01:00",
            "note": "Politie meldde de jongere na een escalatie thuis; opgevangen in de crisisgroep.",
        },
        "exports_create": {
            "report": "unmet-need",
            "format": "csv",
            "region": "JZ14",
            "from": "2026-07-01",
            "to": "2026-09-30",
            "threshold": 90,
        },
        "facilities_create": {
            "provider": 7,
            "name": "De Horst - woongroep Zuid",
            "address": "Oldenzaalsestraat 12",
            "postcode": "7511 AB",
            "municipality": "GM0153",
            "care_type": "woongroep",
            "specialisations": ["trauma", "hechting"],
            "security_level": "open",
            "age_min": 12,
            "age_max": 18,
            "genders": ["female"],
            "intensity_band": "K",
            "group_size": 8,
            "care_product_code": "45A53",
            "regions_served": ["JZ14"],
            "serves_nationally": False,
            "active_from": "2026-01-01",
            "active_until": "2027-12-31",
            "places_contracted": 10,
            "places_staffed": 8,
        },
        "facilities_group_update": {
            "residents": [{"age": 15, "gender": "female", "level": "lvb", "machtiging": False}]
        },
        "offers_documents_update": {"document_kinds": ["zorgvraag", "perspectiefplan"]},
        "offers_fall_through_create": {
            "party": "youth",
            "reason_code": "introduction_mismatch",
            "motivation": "Na de kennismaking wil de jongere liever dichter bij school wonen.",
        },
        "regions_settings_update": {
            "code": "JZ14",
            "name": "Twente",
            "freshness_days": 7,
            "offer_response_working_days": 5,
            "offer_response_working_days_urgent": 2,
            "offer_response_hours_crisis": 4,
            "offer_deadline_min_hours": 24,
            "offer_deadline_max_working_days": 10,
            "crisis_dossier_working_days": 5,
            "machtiging_warning_days": 30,
            "decline_parking_days": 14,
            "group_fit_hard": False,
            "decline_parking_reasons": ["no_place"],
        },
        "requests_analysis_update": {
            "presenting_problems": "Escalaties thuis, schoolverzuim sinds september.",
            "origins": "",
            "maintaining_factors": "Conflicten tussen ouders.",
            "protective_factors": "Goede band met oma; sport twee keer per week.",
            "hypotheses": "Onveilige hechting na wisselende opvoeders.",
            "goals": "Stabiel schoolbezoek en herstel van het contact met moeder.",
            "written_by": "Gedragswetenschapper",
            "made_with_youth": False,
            "made_with_family": False,
            "need_profile": {
                "care_types": ["woongroep", "gezinshuis"],
                "specialisations": ["trauma"],
                "intensity": "K",
                "security": "open",
                "preferred_region": "JZ14",
                "max_distance_km": 30,
                "school_continuity": False,
            },
        },
        "requests_analysis_partial_update": {
            "presenting_problems": "Escalaties thuis, schoolverzuim sinds september.",
            "origins": "",
            "maintaining_factors": "Conflicten tussen ouders.",
            "protective_factors": "Goede band met oma; sport twee keer per week.",
            "hypotheses": "Onveilige hechting na wisselende opvoeders.",
            "goals": "Stabiel schoolbezoek en herstel van het contact met moeder.",
            "written_by": "Gedragswetenschapper",
            "made_with_youth": False,
            "made_with_family": False,
            "need_profile": {
                "care_types": ["woongroep", "gezinshuis"],
                "specialisations": ["trauma"],
                "intensity": "K",
                "security": "open",
                "preferred_region": "JZ14",
                "max_distance_km": 30,
                "school_continuity": False,
            },
        },
        "requests_documents_create": {
            "file": "perspectiefplan.pdf",
            "kind": "perspectiefplan",
            "title": "Perspectiefplan Sanne",
        },
        "requests_expert_table_meetings_create": {
            "held_on": "2026-12-08",
            "participants": [{"role": "coordinator", "organisation": "Jeugdzorg De Horst"}],
            "advice": "Kleinschalige woonvorm met vaste begeleiders.",
            "decision": "matching",
            "motivation": "Kleinschalig wonen past het best bij de hulpvraag.",
            "outcome": "",
        },
        "webhooks_create": {
            "url": "https://zorgsysteem.example.nl/hooks/regie",
            "event_types": ["offer.created"],
            "description": "Koppeling met ons zorgregistratiesysteem",
        },
        "webhooks_partial_update": {"is_active": False},  # Issue 14 (api-webhooks): pause
    }
)

RESPONSE_EXAMPLES.update(
    {
        "assignments_list": {200: [_ASSIGNMENT]},
        "assignments_retrieve": {200: _ASSIGNMENT},
        "assignments_accept_create": {200: _ASSIGNMENT},
        "assignments_complete_create": {
            200: {
                **_ASSIGNMENT,
                "status": "completed",
                "completed_at": "2026-12-04T15:00:00+01:00",
                "completion_note": "Analyse aangevuld met het beeld van school.",
            }
        },
        "assignments_waiting_retrieve": {
            200: {
                "waiting": 3,
                "waiting_before_submission": 2,
                "median_waiting": 23.5,
                "oldest_waiting": 9,
                "taken": 2,
                "median_until_taken": 4.0,
                "period_days": 90,
            }
        },
        "auth_token_create": {
            200: {
                "token": "9f3c2a7e4b1d4c8e9a6f0b2d7e5c1a34",
                "expiry": "2026-12-09T09:15:00+01:00",
                "client": "zorgsysteem",
            }
        },
        "availability_create": {200: {"measured_at": "2026-12-02T08:00:00+01:00", "items": [_FACILITY]}},
        "care_types_list": {200: [_CARE_TYPE]},
        "contracts_list": {200: _page(_CONTRACT)},
        "contracts_retrieve": {200: _CONTRACT},
        "crisis_placements_create": {
            201: {
                "id": 41,
                "kind": "crisis",
                "request": 41,
                "request_status": "crisis",
                "dossier_due": "2026-12-09",
                "facility": {"id": 12, "name": "De Horst - woongroep Noord"},
                "started_at": "2026-12-02T09:15:00+01:00",
                "start_date": "2026-12-14",
                "end_date": None,
            }
        },
        "exports_create": {
            202: {**_EXPORT_STATUS, "status": "queued", "progress": 0, "finished_at": None, "download": None}
        },
        "exports_retrieve": {200: _EXPORT_STATUS},
        "facilities_list": {200: _page(_FACILITY)},
        "facilities_create": {201: _FACILITY},
        "facilities_retrieve": {200: _FACILITY},
        "facilities_partial_update": {200: _FACILITY},
        "facilities_availability_create": {200: _FACILITY},
        "facilities_group_retrieve": {200: _GROUP},
        "facilities_group_update": {200: _GROUP},
        "municipalities_list": {200: [_MUNICIPALITY]},
        "notifications_list": {200: _page(_NOTIFICATION)},
        "notifications_retrieve": {200: _NOTIFICATION},
        "notifications_read_create": {200: {**_NOTIFICATION, "read_at": "2026-12-02T10:00:00+01:00"}},
        "offers_list": {200: _page(_OFFER_FOR_READER)},
        "offers_retrieve": {200: _OFFER_FOR_READER},
        "offers_accept_create": {
            200: {
                **_PROVIDER_OFFER,
                "status": "accepted",
                "answered_at": "2026-12-03T11:20:00+01:00",
                "identity": _OFFER_IDENTITY,
            }
        },
        "offers_decline_create": {
            200: {
                **_PROVIDER_OFFER,
                "status": "declined",
                "answered_at": "2026-12-03T11:20:00+01:00",
                "decline_reason": "no_place",
                "motivation": "Ons team kan de gevraagde zorg nu niet bieden.",
            }
        },
        "offers_documents_retrieve": {200: _OFFER_DOCUMENTS},
        "offers_documents_update": {200: _OFFER_DOCUMENTS},
        "offers_fall_through_create": {
            200: {
                **_COORDINATOR_OFFER,
                "status": "fallen_through",
                "answered_at": "2026-12-03T11:20:00+01:00",
                "fall_through_party": "youth",
                "fall_through_reason": "introduction_mismatch",
            }
        },
        "offers_introduction_create": {
            200: {
                **_COORDINATOR_OFFER,
                "status": "accepted",
                "answered_at": "2026-12-03T11:20:00+01:00",
                "introduction": {"date": "2026-12-10", "outcome": "positive", "note": "Goed gesprek met ouders."},
            }
        },
        "offers_withdraw_create": {
            200: {**_COORDINATOR_OFFER, "status": "withdrawn", "withdraw_reason": "De jongere is elders geplaatst."}
        },
        "placements_list": {200: _page(_PLACEMENT_LIST_ITEM)},
        "placements_retrieve": {
            200: {
                **_PLACEMENT,
                "kind": "regular",
                "request": 41,
                "provider": {"id": 7, "name": "Jeugdzorg De Horst"},
                "started_at": "2026-12-14T10:00:00+01:00",
                "identity": _OFFER_IDENTITY,
            }
        },
        "placements_changes_list": {200: _PLACEMENT_CHANGES},
        "placements_changes_create": {201: _PLACEMENT_CHANGES},
        "placements_end_create": {
            200: {
                **_PLACEMENT,
                "end_date": "2027-06-30",
                "end_reason": "01",
                "end_narrative": "Doelen behaald; terug naar huis met ambulante nazorg.",
                "aftercare_destination": "home",
            }
        },
        "providers_list": {200: _page(_PROVIDER)},
        "regions_list": {200: [_REGION]},
        "regions_bands_retrieve": {200: _REGION_BANDS},
        "regions_bands_update": {200: _REGION_BANDS},
        "regions_settings_retrieve": {200: _REGION_SETTINGS},
        "regions_settings_update": {200: _REGION_SETTINGS},
        "regions_settings_partial_update": {200: _REGION_SETTINGS},
        "reports_contracts_retrieve": {200: _REPORT},
        "reports_indicators_retrieve": {200: _REPORT},
        "reports_occupancy_retrieve": {200: _REPORT},
        "reports_quarterly_list": {200: _page(_QUARTERLY_REPORT_STATUS)},
        "reports_quarterly_create": {
            202: {**_QUARTERLY_REPORT_STATUS, "status": "queued", "progress": 0, "published": False, "url": ""}
        },
        "reports_quarterly_retrieve": {200: _QUARTERLY_REPORT_STATUS},
        "reports_refusals_retrieve": {200: _REPORT},
        "reports_transfers_retrieve": {200: _REPORT},
        "reports_outcomes_retrieve": {200: _REPORT},
        "reports_unmet_need_retrieve": {200: _REPORT},
        "reports_waiting_times_retrieve": {200: _REPORT},
        "requests_list": {200: _page(_REQUEST)},
        "requests_create": {
            201: {
                **_REQUEST_DETAIL_FOR_REFERRER,
                "status": "draft",
                "referral_date": None,
                "submitted_at": None,
                "owner": None,
            }
        },
        "requests_retrieve": {200: _REQUEST_DETAIL},
        "requests_partial_update": {
            200: {
                **_REQUEST_DETAIL_FOR_REFERRER,
                "status": "draft",
                "urgency": "urgent",
                "referral_date": None,
                "submitted_at": None,
                "owner": None,
            }
        },
        "requests_analysis_update": {200: _ANALYSIS},
        "requests_analysis_partial_update": {200: _ANALYSIS},
        "requests_analysis_help_create": {
            201: {**_ASSIGNMENT, "status": "open", "before_submission": True, "accepted_at": None}
        },
        "requests_crisis_submit_create": {200: {**_REQUEST, "status": "crisis"}},
        "requests_crisis_triage_create": {200: {**_REQUEST, "status": "placed"}},
        "requests_documents_create": {
            201: {
                "id": 41,
                "kind": "perspectiefplan",
                "title": "Perspectiefplan Sanne",
                "size": 184233,
                "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "shareable": False,
                "uploaded_at": "2026-12-02T09:15:00+01:00",
                "download": "https://regie.example.org/api/v1/requests/41/documents/88",
            }
        },
        "requests_events_retrieve": {200: [_TIMELINE_EVENT]},
        "requests_expert_table_meetings_create": {
            201: {
                "id": 41,
                "held_on": "2026-12-08",
                "participants": [{"role": "coordinator", "organisation": "Regio Twente"}],
                "advice": "Kleinschalige woonvorm met vaste begeleiders.",
                "decision": "matching",
                "motivation": "Kleinschalig wonen past het best bij de hulpvraag.",
                "outcome": "",
                "status_after": "matching",
                "recorded_at": "2026-12-02T09:15:00+01:00",
            }
        },
        "requests_matches_retrieve": {200: _MATCHING},
        "requests_offers_create": {201: _COORDINATOR_OFFER},
        "requests_owner_create": {200: _REQUEST},
        "requests_parking_lift_create": {200: _REQUEST},
        "requests_placement_create": {201: _PLACEMENT},
        "requests_resume_matching_create": {200: _REQUEST},
        "requests_submit_create": {200: {**_REQUEST, "status": "submitted", "owner": None}},
        "requests_triage_create": {200: _REQUEST},
        "requests_wait_create": {200: {**_REQUEST, "status": "waiting", "status_reason": "Passend maar vol"}},
        "requests_withdraw_create": {
            200: {
                **_REQUEST,
                "status": "closed",
                "outcome": "withdrawn",
                "status_reason": "Er is thuis een oplossing gevonden.",
            }
        },
        "requests_youth_link_create": {200: _YOUTH_LINK_RESULT},
        "requests_youth_unlink_create": {200: _YOUTH_LINK_RESULT},
        "specialisations_list": {200: [_SPECIALISATION]},
        "transfers_list": {200: _page(_TRANSFER)},
        "transfers_retrieve": {200: _TRANSFER},
        "webhooks_list": {200: _page(_WEBHOOK_SUBSCRIPTION)},
        "webhooks_create": {
            201: {
                "id": 3,
                "url": "https://zorgsysteem.example.nl/hooks/regie",
                "event_types": ["offer.created"],
                "description": "Koppeling met ons zorgregistratiesysteem",
                "is_active": True,
                "created_by": "coordinator",
                "created_at": "2026-11-25T10:12:00+01:00",
                "deliveries_url": "https://regie.example.org/api/v1/webhooks/3/deliveries",
                "secret": "whsec_3a9c1f7e2b8d4a6c9e0f1b2d3c4a5e6f",
            }
        },
        "webhooks_retrieve": {200: _WEBHOOK_SUBSCRIPTION},
        "webhooks_partial_update": {200: {**_WEBHOOK_SUBSCRIPTION, "is_active": False}},
        "webhooks_deliveries_list": {200: _page(_WEBHOOK_DELIVERY)},
        "webhooks_ping_create": {
            202: {
                **_WEBHOOK_DELIVERY,
                "event_type": "ping",
                "payload": {"event": "ping"},
                "status": "pending",
                "attempts": 0,
                "last_response_code": None,
                "delivered_at": None,
                "next_attempt_at": "2026-12-02T09:15:00+01:00",
                "attempt_log": [],
            }
        },
        "youth_retrieve": {
            200: {
                "id": 33,
                "requests": [
                    {
                        "request": {
                            "id": 41,
                            "reference": "RP-2026-0041",
                            "status": "matching",
                            "referral_date": "2026-11-25",
                            "region": "JZ14",
                            "kind": "first_placement",
                            "urgency": "regular",
                            "outcome": "",
                            "status_reason": "",
                            "previous_request": None,
                            "owner": 4,
                            "analysis_version": 2,
                            "created_at": "2026-11-25T10:12:00+01:00",
                            "submitted_at": "2026-11-26T09:30:00+01:00",
                            "parked_until": None,
                            "parked_reason": "",
                        },
                        "reentry": False,
                    }
                ],
                "counts": {"placements": 1, "transfers": 0, "provider_changes": 0, "reentries": 0},
                "timeline": [
                    {
                        "id": 41,
                        "occurred_at": "2026-12-02T09:15:00+01:00",
                        "event_type": "request_triaged",
                        "from_state": "submitted",
                        "to_state": "matching",
                        "reason_code": "",
                        "organisation": "Regio Twente",
                        "reason": "",
                        "analysis_version": 2,
                        "facility_name": "",
                        "request": 41,
                    }
                ],
                "elsewhere": [{"region": "JZ14", "contact": "Plaatsingstafel regio Twente, 053 480 00 00"}],
            }
        },
    }
)


# operationId -> {status: {link name: (target operationId, parameters, description)}}
LINKS = {
    "requests_create": {
        201: {
            "GetRequest": ("requests_retrieve", {"id": "$response.body#/id"}, "The request just filed."),
            "SubmitRequest": ("requests_submit_create", {"id": "$response.body#/id"}, "Submit it when complete."),
            "UploadDocument": ("requests_documents_create", {"id": "$response.body#/id"}, "Add a required PDF."),
        }
    },
    "requests_list": {
        200: {"GetRequest": ("requests_retrieve", {"id": "$response.body#/results/0/id"}, "The first request listed.")}
    },
    "requests_retrieve": {
        200: {
            "RequestEvents": ("requests_events_retrieve", {"id": "$response.body#/id"}, "The request's timeline."),
            "RequestMatches": ("requests_matches_retrieve", {"id": "$response.body#/id"}, "Match it (coordinator)."),
        }
    },
    "requests_submit_create": {
        200: {"TriageRequest": ("requests_triage_create", {"id": "$response.body#/id"}, "Triage (coordinator).")}
    },
    "requests_offers_create": {
        201: {
            "GetOffer": ("offers_retrieve", {"id": "$response.body#/id"}, "The offer just made."),
            "AcceptOffer": ("offers_accept_create", {"id": "$response.body#/id"}, "The provider accepts."),
            "DeclineOffer": ("offers_decline_create", {"id": "$response.body#/id"}, "The provider declines."),
            "WithdrawOffer": ("offers_withdraw_create", {"id": "$response.body#/id"}, "The coordinator withdraws."),
        }
    },
    "offers_retrieve": {
        200: {
            "AcceptOffer": ("offers_accept_create", {"id": "$response.body#/id"}, "Accept before the deadline."),
            "DeclineOffer": ("offers_decline_create", {"id": "$response.body#/id"}, "Decline with a reason."),
        }
    },
    "requests_placement_create": {
        201: {
            "EndPlacement": ("placements_end_create", {"id": "$response.body#/id"}, "End the placement."),
            "PlacementChanges": ("placements_changes_list", {"id": "$response.body#/id"}, "Its changes."),
        }
    },
    "facilities_list": {
        200: {
            "GetFacility": ("facilities_retrieve", {"id": "$response.body#/results/0/id"}, "The first facility listed.")
        }
    },
    "facilities_create": {
        201: {
            "GetFacility": ("facilities_retrieve", {"id": "$response.body#/id"}, "The facility just created."),
            "ReportAvailability": (
                "facilities_availability_create",
                {"id": "$response.body#/id"},
                "The provider confirms its figures.",
            ),
        }
    },
    "reports_quarterly_create": {
        202: {"QuarterlyStatus": ("reports_quarterly_retrieve", {"id": "$response.body#/id"}, "Poll the status.")}
    },
}

# Issue 14 (api-spec2): from every list to the detail of its first item, so a client (and
# the stateful phase of tests/api/test_schemathesis_phases.py) reaches real objects.
LINKS.update(
    {
        "offers_list": {
            200: {
                "GetOffer": ("offers_retrieve", {"id": "$response.body#/results/0/id"}, "The first offer listed."),
                "OfferDocuments": (
                    "offers_documents_retrieve",
                    {"id": "$response.body#/results/0/id"},
                    "The documents shared with the first offer listed.",
                ),
            }
        },
        "placements_list": {
            200: {
                "GetPlacement": (
                    "placements_retrieve",
                    {"id": "$response.body#/results/0/id"},
                    "The first placement listed.",
                ),
                "PlacementChanges": (
                    "placements_changes_list",
                    {"id": "$response.body#/results/0/id"},
                    "The changes of the first placement listed.",
                ),
            }
        },
        "assignments_list": {
            200: {
                "GetAssignment": (
                    "assignments_retrieve",
                    {"id": "$response.body#/0/id"},
                    "The first assignment listed.",
                ),
                "AcceptAssignment": (
                    "assignments_accept_create",
                    {"id": "$response.body#/0/id"},
                    "Take the first assignment listed.",
                ),
            }
        },
        "notifications_list": {
            200: {
                "GetNotification": (
                    "notifications_retrieve",
                    {"id": "$response.body#/results/0/id"},
                    "The first notification listed.",
                ),
                "ReadNotification": (
                    "notifications_read_create",
                    {"id": "$response.body#/results/0/id"},
                    "Mark the first notification listed as read.",
                ),
            }
        },
        "transfers_list": {
            200: {
                "GetTransfer": (
                    "transfers_retrieve",
                    {"id": "$response.body#/results/0/id"},
                    "The first transfer listed.",
                )
            }
        },
        "contracts_list": {
            200: {
                "GetContract": (
                    "contracts_retrieve",
                    {"id": "$response.body#/results/0/id"},
                    "The first contract listed.",
                )
            }
        },
        "webhooks_list": {
            200: {
                "GetWebhook": (
                    "webhooks_retrieve",
                    {"id": "$response.body#/results/0/id"},
                    "The first subscription listed.",
                ),
                "WebhookDeliveries": (
                    "webhooks_deliveries_list",
                    {"id": "$response.body#/results/0/id"},
                    "The delivery log of the first subscription listed.",
                ),
            }
        },
        "reports_quarterly_list": {
            200: {
                "QuarterlyStatus": (
                    "reports_quarterly_retrieve",
                    {"id": "$response.body#/results/0/id"},
                    "The first quarterly report listed.",
                )
            }
        },
    }
)
# ... and from a request and an offer on to the moves its readers may make
LINKS["requests_retrieve"][200].update(
    {
        "OfferPlace": ("requests_offers_create", {"id": "$response.body#/id"}, "Offer a place (coordinator)."),
        "WithdrawRequest": ("requests_withdraw_create", {"id": "$response.body#/id"}, "Withdraw the request."),
        "UpdateRequest": ("requests_partial_update", {"id": "$response.body#/id"}, "Change the draft (referrer)."),
    }
)
LINKS["offers_retrieve"][200].update(
    {
        "WithdrawOffer": ("offers_withdraw_create", {"id": "$response.body#/id"}, "The coordinator withdraws."),
        "OfferDocuments": ("offers_documents_retrieve", {"id": "$response.body#/id"}, "The documents shared with it."),
    }
)

# Issue 14 (api-spec2): an error response that names its case, where the shared text of
# core.schema.ERRORS says too little. operationId -> {status: (description, example body)}
ERROR_RESPONSES = {
    "requests_withdraw_create": {
        409: (
            "The request's status does not allow this withdrawal (`about:blank#transition_not_allowed`). "
            "The referrer may withdraw a request that is `draft`, `submitted`, `returned`, `expert_table`, "
            "`matching` or `waiting`, and an `accepted` one (its place is held) with a reason. The "
            "coordinator may withdraw only an `accepted` request: a coordinator's withdrawal of a request in "
            "any other status (for example `matching` or `offered`) is this 409, not a 403. Also 409 "
            "(`about:blank#offer_not_accepted`) when the request is `accepted` but no accepted offer is left "
            "to withdraw (it fell through in the meantime).",
            {
                "type": "about:blank#transition_not_allowed",
                "title": "This transition is not allowed from the current status",
                "status": 409,
                "detail": "This transition is not allowed from the current status",
            },
        )
    },
}

# Issue 14 (api-spec2): the file downloads. operationId -> (response description, example
# Content-Disposition). core.schema adds the Content-Disposition and Cache-Control headers.
DOWNLOADS = {
    "requests_documents_retrieve": (
        "The PDF itself, as an attachment named after the document's title (`application/pdf`); "
        "never cached. The read is access-logged.",
        'attachment; filename="Perspectiefplan Sanne.pdf"',
    ),
    "exports_download_retrieve": (
        "The finished export as an attachment: `text/csv` (UTF-8) or `application/vnd.openxmlformats-officedocument."
        "spreadsheetml.sheet` (one sheet per table), as chosen when the export was started; never "
        "cached. The download is access-logged.",
        'attachment; filename="unmet-need-17.csv"',
    ),
    "reports_quarterly_pdf_retrieve": (
        "The quarterly report as a PDF attachment (`application/pdf`) in the language asked for "
        "(`lang`, else the reader's); never cached.",
        'attachment; filename="kwartaalrapportage-JZ14-2026-Q3-nl.pdf"',
    ),
    "reports_quarterly_xlsx_retrieve": (
        "The quarterly report's tables as an XLSX attachment (`application/vnd.openxmlformats-"
        "officedocument.spreadsheetml.sheet`, one sheet per section) in the language asked for; never cached.",
        'attachment; filename="kwartaalrapportage-JZ14-2026-Q3-nl.xlsx"',
    ),
}


# A real, small PDF (one blank A4 page, under 600 bytes, with a correct cross-reference
# table) as the upload example: pypdf reads it without a warning and core.pdf accepts it,
# so a client that sends the example gets a 201.
def _example_pdf() -> str:
    objects = [
        "<</Type/Catalog/Pages 2 0 R>>",
        "<</Type/Pages/Kids[3 0 R]/Count 1>>",
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    out, offsets = "%PDF-1.4\n% voorbeeld perspectiefplan\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n"
    return out


EXAMPLE_PDF = _example_pdf()
REQUEST_EXAMPLES["requests_documents_create"] = {
    **REQUEST_EXAMPLES["requests_documents_create"],
    "file": EXAMPLE_PDF,
}
