"""Every property of the OpenAPI document has a description (issue 14.2, api-spec2).

One place, in this order (the first that says something wins):
1. the serializer field's `help_text` (drf-spectacular writes it as `description`; a
   ModelSerializer field inherits the model field's help_text);
2. the model field's verbose_name (drf-spectacular writes a ModelSerializer field's label,
   taken from verbose_name, as `title`);
3. `PROPERTIES["Schema.property"]`, then `PROPERTIES["property"]`, where `{noun}` is the
   schema's subject (`NOUNS`, else its name without Input/Detail/ListItem/Patched).

`describe_properties(result)` is run by `core.schema.postprocess_schema` last, so it sees
every schema the other hooks added; tests/api/test_spec_truth.py walks the document and
fails on a property without a description, so a new field shows up until it is described.
"""

from __future__ import annotations

import re

# schema name -> what one object of it is, where stripping the name says it badly
NOUNS = {
    "CoordinatorOffer": "offer",
    "ProviderOffer": "offer",
    "OfferForReader": "offer",
    "RequestDetail": "placement request",
    "Request": "placement request",
    "RequestCreateInput": "placement request",
    "PatchedRequestUpdateInput": "placement request",
    "FacilityRef": "facility",
    "MatchFacility": "facility",
    "FacilityWrite": "facility",
    "PatchedFacilityPatch": "facility",
    "_ProviderRef": "provider",
    "_RegionRef": "region",
    "_MunicipalityRef": "municipality",
    "OrganisationRef": "organisation",
    "OfferIdentityGuardian": "guardian",
    "OfferIdentity": "youth",
    "CrisisYouthInput": "youth",
    "YouthAcrossRequests": "youth",
    "YouthTimelineEvent": "event",
    "TimelineEvent": "event",
    "WebhookSubscriptionCreated": "webhook subscription",
    "QuarterlyReportStatus": "quarterly report",
    "ExportStatus": "export",
    "PlacementListItem": "placement",
    "PossibleDuplicate": "possible duplicate request",
    "Criterion": "criterion",
    "Column": "column",
    "Table": "table",
    "Report": "report",
}

_SUFFIXES = ("Input", "Detail", "ListItem", "Doc", "Replace", "Status", "Created", "Result", "Row")

# `Schema.property` or `property` -> description; `{noun}` is the schema's subject
PROPERTIES = {
    # --- identity, time stamps, paging ---------------------------------------------------------
    "id": "Identifier of the {noun}.",
    "created_at": "When the {noun} was created (ISO 8601 with offset).",
    "count": "Number of items over all pages.",
    "next": "URL of the next page; null on the last page.",
    "previous": "URL of the previous page; null on the first page.",
    "results": "The items on this page.",
    "name": "Name of the {noun}.",
    "code": "Code of the {noun}.",
    "label": "Label of the {noun}, as shown to users.",
    "title": "Title of the {noun}.",
    "description": "Free-text description of the {noun}.",
    "status": "State of the {noun}.",
    "kind": "Kind of {noun}.",
    "reason": "Why (free text, required where a reason is asked for).",
    "note": "A short note with the {noun}.",
    "notes": "Notes on the {noun}.",
    "version": "Version number of the {noun}; it goes up with every change.",
    "url": "URL of the {noun}.",
    "key": "Machine-readable key of the {noun}.",
    "date": "Date of the {noun} (ISO 8601).",
    "at": "When it happened (ISO 8601 with offset).",
    "items": "The rows, one per facility.",
    "ok": "Whether the criterion is met.",
    "text": "The criterion, as shown to users.",
    # --- organisations, places, people ---------------------------------------------------------
    "region": "The youth-care region: its code (for example `JZ14`), or code and name.",
    "regions": "Codes of the youth-care regions.",
    "region_name": "Name of the youth-care region.",
    "municipality": "Municipality (CBS code and name).",
    "provider": "The care provider.",
    "facility": "The facility.",
    "facility_name": "Name of the facility.",
    "organisation": "Name of the organisation.",
    "organisation_kind": "Kind of organisation (referrer, provider, region, ...).",
    "role": "Role of the person.",
    "username": "Login name.",
    "password": "Password of the account.",
    "email": "E-mail address.",
    "phone": "Telephone number.",
    "address": "Street and house number.",
    "postcode": "Dutch postcode (`1234 AB`).",
    "city": "Place of residence.",
    "contact": "Whom to contact about it (name and telephone number).",
    "contacts": "Whom to call in a crisis, with telephone numbers.",
    "agb_code": "AGB code of the provider (Vektis).",
    "latitude": "Latitude of the municipality's centre (WGS 84).",
    "longitude": "Longitude of the municipality's centre (WGS 84).",
    "memberships": "The caller's memberships: organisation, role and regions.",
    "participants": "Who took part (organisation and role).",
    "referrer_organisation": "Name of the referring organisation.",
    "created_by": "Username of who created the {noun}.",
    "last_confirmed_by": "Username of who last confirmed the availability figures.",
    "written_by": "Who wrote the analysis (name and profession).",
    "by": "Who provides the bridging care.",
    # --- the youth ----------------------------------------------------------------------------
    "youth": "The youth the {noun} is about.",
    "bsn": "Citizen service number (BSN) of the youth; identifying, access-logged.",
    "given_names": "Given names of the youth.",
    "family_name": "Family name of the youth.",
    "birth_date": "Date of birth of the youth.",
    "gender": "Gender of the youth.",
    "school": "School of the youth (name and place).",
    "legal_status": "Legal framework of the care (voluntary, supervision order, closed youth care, ...).",
    "machtiging_end_date": "End date of the court authorisation (machtiging) for closed youth care, if any.",
    "guardians": "Parents and guardians of the youth.",
    "relationship": "Relationship of the guardian to the youth.",
    "has_authority": "Whether the guardian has parental authority.",
    "residents": "The youths living in the group now (age and gender only).",
    "parents": "Wishes of the parents or guardians.",
    "wishes": "Wishes of the youth and the parents.",
    "wishes_youth": "Wishes of the youth, as the provider sees them (anonymised).",
    "wishes_parents": "Wishes of the parents, as the provider sees them (anonymised).",
    "Wishes.youth": "Wishes of the youth.",
    "WishesInput.youth": "Wishes of the youth.",
    # --- the request and its dossier ----------------------------------------------------------
    "request": "Identifier of the placement request.",
    "requests": "The youth's placement requests.",
    "reference": "Human-readable reference of the placement request (for example `JZ14-2026-0042`).",
    "urgency": "How urgent the placement is.",
    "status_reason": "Why the request has its status (for example why it waits).",
    "submitted_at": "When the referrer submitted the request; null while it is a draft.",
    "referral_date": "Date of the referral.",
    "previous_request": "Identifier of the request this one follows up (after a fall-through or a transfer).",
    "analysis_version": "Version of the analysis the {noun} was made with.",
    "need_profile": "What the youth needs: care types, intensity, specialisations, security, distance.",
    "care_type": "The care type: its code, or code and label.",
    "care_types": "Codes of the care types that fit.",
    "specialisations": "Codes of the specialisations.",
    "intensity": "Intensity band of the care (light to very intensive).",
    "security": "Level of security the youth needs.",
    "preferred_region": "Region where the youth preferably goes (code).",
    "max_distance_km": "Furthest acceptable distance from home, in kilometres.",
    "school_continuity": "Whether the youth should be able to stay at the same school.",
    "presenting_problems": "The problems the youth and family present with.",
    "origins": "How the problems arose.",
    "maintaining_factors": "What keeps the problems going.",
    "protective_factors": "What helps: strengths of the youth and the network.",
    "hypotheses": "The behavioural scientist's hypotheses about the problems.",
    "goals": "What the care is to achieve.",
    "made_with_youth": "Whether the analysis was made together with the youth.",
    "made_with_family": "Whether the analysis was made together with the family.",
    "perspective_plan": "The perspective plan: goal, expected duration and return perspective.",
    "goal": "Goal of the placement.",
    "expected_duration_months": "Expected duration of the placement, in months.",
    "return_perspective": "Where the youth is expected to go after the placement.",
    "return_explanation": "Explanation of the return perspective.",
    "safety_plan": "The safety plan: risks, agreements and contacts.",
    "risks": "Safety risks around the youth.",
    "agreements": "Agreements made to keep the youth safe.",
    "safety_risks": "Safety risks, as the provider sees them (anonymised).",
    "safety_agreements": "Safety agreements, as the provider sees them (anonymised).",
    "placement_goal": "Goal of the placement, as the provider sees it (anonymised).",
    "alternatives": "Lighter forms of care considered, and why they are not enough.",
    "form": "Form of care considered.",
    "why_insufficient": "Why this form of care is not enough.",
    "Alternative.description": "What was tried or considered.",
    "AlternativeInput.description": "What was tried or considered.",
    "documents": "The documents (PDFs) of the dossier.",
    "what": "What bridging care the youth gets while waiting.",
    "since": "Since when the bridging care runs.",
    "question": "The question to the behavioural scientist.",
    "requested_at": "When the analysis help was asked for.",
    "accepted_at": "When a behavioural scientist took the assignment.",
    "completed_at": "When the assignment was completed.",
    "completion_note": "The behavioural scientist's note on completion.",
    "MissingItem.name": "The field or document that is missing.",
    "MissingItem.reason": "Why it is needed before the request can be submitted.",
    "visible": "Whether the caller may see the other request (same region).",
    "timeline": "The youth's events over all requests, oldest first.",
    "counts": "How often the youth was placed, transferred, changed provider and came back.",
    "placements": "Number of placements.",
    "transfers": "Number of transfers.",
    "provider_changes": "Number of changes of provider.",
    "reentries": "Number of returns to care after an end.",
    # --- documents ----------------------------------------------------------------------------
    "file": (
        "The document as `application/pdf`: a real PDF that parses, not encrypted, without JavaScript, "
        "at most MAX_UPLOAD_BYTES (10 MB by default); anything else is a 422 naming `file`."
    ),
    "size": "Size of the file, in bytes.",
    "sha256": "SHA-256 checksum of the file (hex).",
    "shareable": "Whether the document may be shared with a provider with an offer.",
    "uploaded_at": "When the document was uploaded.",
    "offer": "Identifier of the offer.",
    # --- facilities and availability ----------------------------------------------------------
    "places_contracted": "Number of places contracted.",
    "places_staffed": "Number of places staffed now.",
    "places_occupied": "Number of places occupied (internal and external).",
    "occupied_internal": "Places occupied by youths placed through this service.",
    "occupied_external": "Places occupied by youths placed otherwise (other regions, self-referred).",
    "places_held": "Places held for accepted offers that have not started yet.",
    "places_free": "Places free now: staffed minus occupied minus held.",
    "last_confirmed_at": "When the provider last confirmed the availability figures.",
    "measured_at": "The moment the figures were true.",
    "is_stale": "Whether the figures are older than the region's freshness limit.",
    "security_level": "Security level of the facility.",
    "age_min": "Youngest age the facility takes.",
    "age_max": "Oldest age the facility takes.",
    "genders": "Genders the facility takes.",
    "intensity_band": "Intensity band the facility provides.",
    "group_size": "Number of places in the living group.",
    "care_product_code": "Care product code (iJw) of the facility.",
    "regions_served": "Codes of the regions the facility serves.",
    "serves_nationally": "Whether the facility is a national facility (all regions).",
    "active_from": "First day the facility takes youths.",
    "active_until": "Last day the facility takes youths; null while open-ended.",
    "recorded_at": "When it was recorded.",
    "facility_count": "Number of facilities of the provider.",
    "is_active": "Whether the {noun} is active.",
    "freshness_days": "Days after which availability figures count as stale.",
    "group": "The living group now: size and residents.",
    # --- matching and offers ------------------------------------------------------------------
    "criteria": "The matching criteria, each met or not.",
    "distance_km": "Distance from the youth's home, in kilometres.",
    "specialisation_coverage": "Share of the needed specialisations the facility offers (0-1).",
    "declined_this_request": "Whether the provider already declined this request.",
    "available": "Facilities that fit and have a free place.",
    "full": "Facilities that fit but are full.",
    "unfit_page": "The page of facilities that do not fit.",
    "unfit_pages": "Number of pages of facilities that do not fit.",
    "start_date": "First day of the {noun}.",
    "end_date": "Last day of the {noun}; null while open-ended.",
    "deadline": "When the provider must have answered the offer.",
    "answered_at": "When the provider answered the offer.",
    "motivation": "Why (free text, not blank).",
    "reconfirm_availability": "Whether the provider is asked to confirm its availability figures with the answer.",
    "withdraw_reason": "Why the coordinator withdrew the offer.",
    "introduction": "The introduction meeting between youth, family and provider.",
    "outcome": "Outcome of the introduction.",
    "identity": "Identifying data of the youth: only after the provider accepted; access-logged.",
    "placement": "Identifier of the placement.",
    "OfferDocuments.placement": "Identifier of the placement.",
    "PlacementChanges.placement": "Identifier of the placement.",
    # --- placements and changes ---------------------------------------------------------------
    "started_at": "When the {noun} started.",
    "dossier_due": "When the full dossier must be in (crisis placements).",
    "request_status": "Status of the follow-up placement request.",
    "funding": "How the placement is funded.",
    "funding_form": "Funding form of the contract.",
    "handover": "Agreements about the handover to the provider.",
    "transport": "Agreements about transport to the facility.",
    "end_reason": "Why the placement ended.",
    "end_narrative": "Account of the end of the placement.",
    "narrative": "Account of the end of the placement.",
    "needs_new_place": "Whether the youth needs a new place after this one (a transfer).",
    "effective_date": "Date from which the change applies.",
    "field": "Which part of the placement changed.",
    "old_value": "The value before the change.",
    "new_value": "The value after the change.",
    "old_end_date": "The end date before the change.",
    "new_end_date": "The end date after the change.",
    "changes": "The placement's changes, oldest first.",
    "from_placement": "Identifier of the placement the youth leaves.",
    "new_request": "Identifier of the new placement request the transfer opened.",
    "new_request_status": "Status of that new placement request.",
    # --- events and notifications -------------------------------------------------------------
    "event_type": "Type of the event.",
    "event_types": "The event types the subscription receives.",
    "occurred_at": "When the event happened.",
    "from_state": "State before the event.",
    "to_state": "State after the event.",
    "reason_code": "Machine-readable code of the reason.",
    "subject": "Subject of the notification.",
    "body": "Text of the notification.",
    # --- the expert table ---------------------------------------------------------------------
    "held_on": "Date the expert table met.",
    "advice": "The expert table's advice.",
    "decision": "The decision taken.",
    # --- contracts, tariffs, settings ---------------------------------------------------------
    "budget": "Budget of the contract, in euros.",
    "guaranteed_places": "Number of places the region guarantees to pay for.",
    "day_tariff": "Tariff per day, in euros.",
    "tariffs": "Day tariffs per intensity band, in euros.",
    "band": "Intensity band.",
    "bands": "The region's intensity bands with their hour limits.",
    "hours_to": "Upper limit of the band, in hours of care per week.",
    "valid_from": "First day the tariff applies.",
    "tariff_eur_per_day": "Tariff per day, in euros.",
    "cbs_care_form": "CBS care form the care type is counted under.",
    "requires_authorisation": "Whether the care type needs a court authorisation (closed youth care).",
    "offer_response_working_days": "Working days a provider has to answer an offer.",
    # --- reports, exports, the pool -----------------------------------------------------------
    "report": "Name of the report.",
    "tables": "The report's tables.",
    "columns": "The table's columns.",
    "format": "File format of the export.",
    "finished_at": "When the export finished; null while it runs.",
    "year": "Year of the report.",
    "quarter": "Quarter of the report (1-4).",
    "progress": "How far the report has come (0-100).",
    "published": "Whether the report is published.",
    "waiting": "Number of assignments waiting for a behavioural scientist.",
    "waiting_before_submission": "Requests waiting for analysis help before they can be submitted.",
    "median_waiting": "Median time the waiting assignments have waited, in days.",
    "oldest_waiting": "Longest time an assignment has waited, in days.",
    "taken": "Number of assignments taken in the period.",
    "median_until_taken": "Median time until an assignment was taken, in days.",
    "period_days": "Length of the period, in days.",
    # --- tokens and webhooks ------------------------------------------------------------------
    "token": "The API token; send it as `Authorization: Token <token>`. Shown once.",
    "expiry": "When the token expires.",
    "client": "Name of the client the token is for; a new token replaces that client's old one.",
    "deliveries_url": "URL of the subscription's delivery log.",
    "WebhookSubscription.url": "HTTPS URL the events are posted to.",
    "WebhookSubscriptionCreated.url": "HTTPS URL the events are posted to.",
    "event_id": "Identifier of the event; the same on every retry.",
    "payload": "The signed body that was posted (no personal data).",
    "attempts": "Number of attempts so far.",
    "attempt": "Number of this attempt (1 for the first).",
    "attempt_log": "Every attempt: when, response code, error and duration.",
    "last_response_code": "HTTP status of the last attempt; null if none was received.",
    "last_error": "Error of the last attempt, if any.",
    "next_attempt_at": "When the next attempt is due; null when done.",
    "delivered_at": "When the delivery succeeded; null until then.",
    "response_code": "HTTP status the receiver answered; null if none.",
    "error": "What went wrong, if anything.",
    "duration_ms": "How long the attempt took, in milliseconds.",
}


def noun(schema_name: str) -> str:
    if schema_name in NOUNS:
        return NOUNS[schema_name]
    name = schema_name.lstrip("_")
    name = re.sub(r"^(Patched|Paginated)", "", name)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
            break
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower() or schema_name


def text_for(schema_name: str, prop: str) -> str | None:
    text = PROPERTIES.get(f"{schema_name}.{prop}") or PROPERTIES.get(prop)
    return text.format(noun=noun(schema_name)) if text else None


def _describe(schema_name, node):
    if not isinstance(node, dict):
        return
    for prop, sub in (node.get("properties") or {}).items():
        if not isinstance(sub, dict):
            continue
        if not sub.get("description"):
            text = sub.get("title") or text_for(schema_name, prop)  # verbose_name first
            if text:
                if "$ref" in sub:  # OpenAPI 3.0: siblings of $ref are ignored; wrap it
                    ref = sub.pop("$ref")
                    sub["allOf"] = [{"$ref": ref}]
                sub["description"] = str(text)
        _describe(schema_name, sub)
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            _describe(schema_name, node[key])
    for key in ("allOf", "oneOf", "anyOf"):
        for part in node.get(key) or []:
            _describe(schema_name, part)


def describe_properties(result):
    for name, schema in (result.get("components", {}).get("schemas") or {}).items():
        _describe(name, schema)
    return result


def undescribed(result):
    """Every property (dotted path) without a description: components and inline schemas."""
    missing = []

    def walk(where, node):
        if not isinstance(node, dict):
            return
        for prop, sub in (node.get("properties") or {}).items():
            if not isinstance(sub, dict) or not sub.get("description"):
                missing.append(f"{where}.{prop}")
            walk(f"{where}.{prop}", sub)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                walk(f"{where}[]", node[key])
        for key in ("allOf", "oneOf", "anyOf"):
            for part in node.get(key) or []:
                walk(where, part)

    for name, schema in (result.get("components", {}).get("schemas") or {}).items():
        walk(name, schema)
    for path, item in (result.get("paths") or {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            bodies = [("request", operation.get("requestBody") or {})]
            bodies += [(status, r) for status, r in (operation.get("responses") or {}).items()]
            for label, body in bodies:
                for media, content in (body.get("content") or {}).items():
                    walk(f"{method.upper()} {path} {label} {media}", content.get("schema") or {})
    return missing
