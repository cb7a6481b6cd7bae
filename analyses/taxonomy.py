"""Codes the wizard offers for the need profile.

The capacity app owns the care taxonomy (`capacity.CareType`, `capacity.Specialisation`);
matching joins the need profile to it on these codes. Until both apps are merged the
list lives here; the API accepts any well-formed code (a slug) so that new taxonomy
entries need no change here.
"""

from django.utils.translation import gettext_lazy as _

CARE_TYPES = [
    ("jeugdzorgplus", _("Gesloten jeugdzorg (JeugdzorgPlus)")),
    ("driemilieu", _("Driemilieuvoorziening")),
    ("behandelgroep", _("Behandelgroep")),
    ("kleinschalig-wonen", _("Kleinschalige woonvoorziening")),
    ("gezinshuis", _("Gezinshuis")),
    ("crisisopvang", _("Crisisopvang")),
    ("begeleid-wonen", _("Begeleid wonen / kamertraining")),
]

SPECIALISATIONS = [
    ("trauma", _("Trauma")),
    ("lvb", _("Licht verstandelijke beperking")),
    ("autisme", _("Autisme")),
    ("verslaving", _("Verslaving")),
    ("eetstoornis", _("Eetstoornis")),
    ("seksueel-grensoverschrijdend", _("Seksueel grensoverschrijdend gedrag")),
    ("hechting", _("Hechtingsproblematiek")),
    ("agressie", _("Agressieregulatie")),
]

INTENSITY_BANDS = [(code, code) for code in "KLMNOPQRSTUVWXYZ"]


def label(code: str, choices) -> str:
    return str(dict(choices).get(code, code))
