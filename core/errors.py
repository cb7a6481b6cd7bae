"""Domain errors raised by services; `core.api` maps them to problem+json responses.

Views and API views never decide status codes for business rules themselves: a service
raises one of these and the edge translates it.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 409
    title = _("De actie is nu niet toegestaan")
    code = "conflict"

    def __init__(self, detail=None, *, code=None, invalid_params=None):
        self.detail = detail or self.title
        self.code = code or self.code
        self.invalid_params = invalid_params or []
        super().__init__(str(self.detail))


class TransitionNotAllowed(DomainError):
    status = 409
    title = _("Deze overgang is vanuit de huidige status niet toegestaan")
    code = "transition_not_allowed"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    """Input that is well-formed but breaks a rule; `invalid_params` names the fields."""

    status = 422
    title = _("De invoer is niet geldig")
    code = "invalid"

    @classmethod
    def field(cls, name, reason, *, code=None):
        return cls(reason, code=code, invalid_params=[{"name": name, "reason": str(reason)}])


class NotFound(DomainError):
    """Unknown object, or an object the user may not see: the same answer for both."""

    status = 404
    title = _("Niet gevonden")
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    title = _("U heeft geen toegang tot deze actie")
    code = "forbidden"


def missing_params(required, values) -> list[dict]:
    """The `invalid_params` for every field in `required` ({name: message}) that has no
    value in `values` (None, blank text, empty list). Services declare the fields they
    require in such a dict and forms reuse it (`AccessibleForm.service_required`), so the
    label "(verplicht)" and the service's check are one rule."""
    problems = []
    for name, message in required.items():
        value = values.get(name)
        if value is None or value == [] or value == () or (isinstance(value, str) and not value.strip()):
            problems.append({"name": name, "reason": str(message)})
    return problems


class BadRequest(DomainError):
    """Issue 14 (api-core): a query the server cannot read (a page number that is no
    number, a page size out of range); `invalid_params` names the parameter."""

    status = 400
    title = _("Ongeldig verzoek")
    code = "bad_request"
