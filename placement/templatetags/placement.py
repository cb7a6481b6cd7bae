from django import template

from intake.models import Document

register = template.Library()


@register.filter
def document_kind_label(code: str) -> str:
    """The label of a document kind (a referral names its documents by kind only)."""
    kinds = Document.DocumentKind
    return kinds(code).label if code in kinds.values else code
