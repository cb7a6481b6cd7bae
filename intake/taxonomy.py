"""The codes a need profile may use, read from the care taxonomy that administrators
maintain in the capacity app (`capacity.CareType`, `capacity.Specialisation`) and the G7
intensity bands (`capacity.IntensityBand`, the active rows of the table). Matching joins
need profiles to facilities on these codes, so both sides always speak the same taxonomy.
"""

from capacity.models import CareType, Specialisation
from capacity.selectors import active_band_codes, band_choices


def intensity_choices() -> list[tuple[str, str]]:
    """The active G7 bands: ("K", "K (4,5-5 uur per etmaal)"), lightest first."""
    return band_choices()


def intensity_known(code: str) -> bool:
    """Whether `code` is an active intensity band."""
    return code in active_band_codes()


def care_type_choices() -> list[tuple[str, str]]:
    return list(CareType.objects.filter(is_active=True).order_by("sort_order", "label").values_list("code", "label"))


def specialisation_choices() -> list[tuple[str, str]]:
    return list(
        Specialisation.objects.filter(is_active=True).order_by("sort_order", "label").values_list("code", "label")
    )


def labels(codes, model) -> list[str]:
    """Labels for stored codes, in the stored order; an unknown code is shown as itself."""
    known = dict(model.objects.filter(code__in=codes).values_list("code", "label"))
    return [known.get(code, code) for code in codes]


def unknown_codes(codes, model) -> list[str]:
    known = set(model.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True))
    return [code for code in codes if code not in known]
