from django import template

from capacity.models import Gender

register = template.Library()


@register.filter
def gender_label(code: str) -> str:
    """The label of a gender code (a referral stores the code, as the API sends it)."""
    return Gender(code).label if code in Gender.values else code
