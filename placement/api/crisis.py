"""/api/v1/crisis-placements: a crisis placement in one step (issue 11).

Wrong role -> 403 (HasRole); a request outside the caller's scope -> 404; bad input -> 422
problem+json naming every field at once; a full facility -> 409 (naming `facility`).
Nothing is written in any of these cases.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.fields import SkipField, empty
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.permissions import HasRole
from core.api import _flatten, created
from core.errors import DomainError, Invalid
from core.idempotency import IdempotentMixin
from intake import selectors as intake_selectors
from placement import selectors, services
from placement.api.serializers.crisis import (
    CrisisFollowUpTriageInput,
    CrisisPlacementInput,
    CrisisPlacementSerializer,
)
from placement.api.serializers.requests import RequestSerializer


class CrisisPlacements(IdempotentMixin, APIView):
    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        request=CrisisPlacementInput,
        responses={
            201: OpenApiResponse(CrisisPlacementSerializer, description="The crisis placement and its follow-up"),
            403: OpenApiResponse(description="problem+json; not a coordinator"),
            404: OpenApiResponse(description="problem+json; `request` is not one of the caller's region"),
            409: OpenApiResponse(
                description="problem+json; no free place (`no_free_place`, naming `facility`) or the request "
                "is not in triage"
            ),
            422: OpenApiResponse(description="problem+json naming every invalid field at once"),
        },
    )
    def post(self, request):
        membership = request.membership
        raw = request.data if isinstance(request.data, dict) else {}
        serializer = CrisisPlacementInput(data=request.data)
        valid = serializer.is_valid()
        errors = serializer.errors
        known = {k: v for k, v in raw.items() if k in serializer.fields}
        if not valid and len(known) < len(raw):  # unknown fields, and what is wrong with the rest
            rest = CrisisPlacementInput(data=known)
            rest.is_valid()
            errors = {**errors, **rest.errors}
        data = serializer.validated_data if valid else _readable(serializer, raw)
        placement_request = None
        if valid and data["request"] is not None:
            placement_request = intake_selectors.request_get(
                membership=membership, pk=data["request"], view="crisis_register"
            )
        checked = {"facility_id": data.get("facility"), "started_at": data.get("started_at")}
        if placement_request is None and not data.get("request"):
            raw = data.get("youth") or {}
            youth = services.CrisisYouth(
                municipality_id=raw.get("municipality"),
                **{k: v for k, v in raw.items() if k in YOUTH_FIELDS and k != "municipality" and v is not None},
            )
            checked.update(youth=youth, referrer_organisation_id=data.get("referrer_organisation"))
        try:
            if not valid:  # every problem at once: the input's and the rules'
                problems = _flatten(errors)
                try:
                    services.crisis_placement_validate(membership=membership, **checked)
                except Invalid as error:
                    named = {p["name"] for p in problems}
                    problems += [p for p in _api_names(error.invalid_params) if p["name"] not in named]
                raise serializers.ValidationError({p["name"]: [p["reason"]] for p in problems})
            placement = services.crisis_placement_register(
                by=request.user,
                membership=membership,
                placement_request=placement_request,
                note=data["note"],
                **checked,
            )
        except DomainError as error:
            if not error.invalid_params:
                raise
            error.invalid_params = _api_names(error.invalid_params)
            raise
        placement = selectors.placement_get(membership=membership, pk=placement.pk)
        return created(
            request,
            CrisisPlacementSerializer(placement).data,
            ("api-placement", [placement.pk]),
            ("api-placement-changes", [placement.pk]),
        )


YOUTH_FIELDS = ("municipality", "given_names", "family_name", "birth_date", "gender", "bsn")


def _api_names(params):
    """The service names the youth's fields as the form does; the API nests them."""
    return [{**p, "name": f"youth.{p['name']}" if p["name"] in YOUTH_FIELDS else p["name"]} for p in params]


def _readable(serializer, raw):
    """The fields of an invalid input that can be read on their own (so the rules can be
    checked for them too)."""
    out = {}
    raw = raw if isinstance(raw, dict) else {}
    for name, field in serializer.fields.items():
        value = raw.get(name, empty)
        if name == "youth" and isinstance(value, dict):
            out["youth"] = {}
            for sub, subfield in field.fields.items():
                try:
                    out["youth"][sub] = subfield.run_validation(value.get(sub, empty))
                except (serializers.ValidationError, SkipField):
                    continue
            continue
        try:
            out[name] = field.run_validation(value)
        except (serializers.ValidationError, SkipField):
            continue
    return out


class CrisisDossierSubmit(IdempotentMixin, APIView):
    """The coordinator submits a crisis placement's dossier (the referrer uses /submit)."""

    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(
        request=None,
        responses={
            200: RequestSerializer,
            409: OpenApiResponse(description="problem+json; not a crisis dossier that is still due"),
            422: OpenApiResponse(description="problem+json naming every missing item"),
        },
    )
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        placement_request = services.crisis_dossier_submit(
            placement_request=placement_request, by=request.user, membership=request.membership
        )
        return Response(RequestSerializer(placement_request).data)


class CrisisFollowUpTriage(IdempotentMixin, APIView):
    """Triage of a crisis placement's submitted dossier: the youth stays, or a longer-term
    place is sought (the answer is then the transfer request, in matching)."""

    permission_classes = [HasRole(Role.COORDINATOR)]

    @extend_schema(request=CrisisFollowUpTriageInput, responses=RequestSerializer)
    def post(self, request, pk):
        placement_request = intake_selectors.request_get(membership=request.membership, pk=pk, log=False)
        serializer = CrisisFollowUpTriageInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.crisis_followup_triage(
            placement_request=placement_request,
            by=request.user,
            membership=request.membership,
            **serializer.validated_data,
        )
        return Response(RequestSerializer(result).data)
