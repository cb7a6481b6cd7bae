"""Template tags for the after-care, change-in-place and machtiging-watch panels (issue
11). They let the shared pages carry the panels with one include line each; the rules
come from the transition table and `placement.selectors.changes`."""

from django import template

from accounts.models import Role
from intake.models import OPEN_STATUSES
from placement import selectors
from placement.forms import PlacementChangeForm
from placement.models import AftercareDestination, ChangeField

register = template.Library()


def _membership(context):
    request = context.get("request")
    return getattr(request, "membership", None) if request is not None else None


@register.inclusion_tag("placement/_placement_in_place_panel.html", takes_context=True)
def placement_in_place(context, placement):
    """The placement's current values, its changes in place, the change form for who may
    record one, and (once ended) the end reason and the after-care destination."""
    membership = _membership(context)
    role = membership.role if membership is not None else ""
    may_act = role == Role.COORDINATOR or (
        role == Role.PROVIDER and membership.organisation_id == placement.provider_id
    )
    can_change = may_act and placement.end_date is None and "change_in_place" in placement.request.actions_for(role)
    return {
        "placement": placement,
        "youth": placement.youth,
        "changes": selectors.placement_changes(placement),
        "can_change": can_change,
        "change_form": PlacementChangeForm(placement=placement) if can_change else None,
        "destination_label": AftercareDestination(placement.aftercare_destination).label
        if placement.aftercare_destination
        else "",
    }


@register.filter
def change_field_label(code: str) -> str:
    return ChangeField(code).label if code in ChangeField.values else code


@register.simple_tag
def machtiging_notice(placement_request):
    """The end date of the youth's machtiging when the region's warning is due (open
    requests only), else None."""
    if placement_request is None or placement_request.status not in OPEN_STATUSES:
        return None
    return selectors.machtiging_ending(placement_request.youth, placement_request.region)


@register.simple_tag(takes_context=True)
def machtigingen_ending(context):
    membership = _membership(context)
    return selectors.machtigingen_ending(membership=membership) if membership is not None else []
