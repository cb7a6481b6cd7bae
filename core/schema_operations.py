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

# operationId -> {status: {link name: (target operationId, parameters, description)}}
LINKS = {
    "requests_create": {
        201: {
            "GetRequest": ("requests_retrieve", {"id": "$response.body#/id"}, "The request just filed."),
            "SubmitRequest": ("requests_submit_create", {"id": "$response.body#/id"}, "Submit it when complete."),
            "UploadDocument": ("requests_documents_create", {"id": "$response.body#/id"}, "Add a required PDF."),
        }
    },
    "requests_list": {},
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
    "facilities_list": {},
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
