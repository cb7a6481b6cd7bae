"""Matching rules: which facilities fit a need, why (not), and in what order.

Pure functions over plain data, so the rules can be read and tested on their own; the
selector that feeds them from the database lives in placement/selectors (matching issue).

Hard criteria (a facility that fails one can never be offered, free places or not):
care type acceptable, age at the intended start within the facility's range, gender
accepted (an unknown gender only where every gender is), security level (a closed facility
only when the need requires closed care and the youth has a valid machtiging; a need for
closed care only in a closed facility), and the facility active on the intended start date.

Ranking of fitting facilities: own (home) region first, then specialisation coverage,
intensity match, distance from the home municipality, and fresh availability before
stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext

from accounts.geo import distance_km
from capacity.models import FACILITY_GENDERS, Gender, IntensityBand
from capacity.rules import is_available

OPEN, CLOSED = "open", "closed"
INTENSITY_BANDS = list(IntensityBand.values)  # lightest first
ALL_FACILITY_GENDERS = frozenset(gender.value for gender in FACILITY_GENDERS)


class Group:
    AVAILABLE = "available"  # fits, with a fresh free place
    FULL = "full"  # fits, but no free place (or only stale availability)
    UNFIT = "unfit"  # fails at least one hard criterion


@dataclass(frozen=True)
class Need:
    care_types: tuple[str, ...]  # acceptable care type codes, most preferred first
    specialisations: frozenset[str]
    intensity: str | None
    security: str  # OPEN or CLOSED
    machtiging_valid: bool
    age_at_start: int
    gender: str
    home_lat: float
    home_lon: float
    home_region_id: int
    start_date: date
    max_distance_km: float | None = None


@dataclass(frozen=True)
class FacilityFacts:
    facility_id: int
    care_type: str
    specialisations: frozenset[str]
    age_min: int
    age_max: int
    genders: frozenset[str]
    security: str
    intensity: str | None
    lat: float
    lon: float
    region_id: int
    active_from: date | None
    active_until: date | None
    free_places: int
    is_stale: bool
    declined_this_request: bool = False


@dataclass
class Criterion:
    code: str
    ok: bool
    text: str
    hard: bool = True


@dataclass
class Match:
    facility: FacilityFacts
    group: str
    criteria: list[Criterion] = field(default_factory=list)
    distance_km: float = 0.0
    specialisation_coverage: float = 1.0
    intensity_score: float = 1.0

    @property
    def fits(self) -> bool:
        return all(c.ok for c in self.criteria if c.hard)

    @property
    def failed(self) -> list[Criterion]:
        return [c for c in self.criteria if c.hard and not c.ok]

    def sort_key(self):
        return (
            self.facility.region_id != self._home_region_id,
            -self.specialisation_coverage,
            -self.intensity_score,
            round(self.distance_km, 1),
            self.facility.is_stale,
            self.facility.facility_id,
        )

    _home_region_id: int = 0


def _intensity_score(wanted: str | None, offered: str | None) -> float:
    if not wanted or not offered or wanted not in INTENSITY_BANDS or offered not in INTENSITY_BANDS:
        return 0.5
    gap = abs(INTENSITY_BANDS.index(wanted) - INTENSITY_BANDS.index(offered))
    return {0: 1.0, 1: 0.75, 2: 0.5}.get(gap, 0.0)


class _Texts(dict):
    """Translated explanation texts, each looked up once per ranking rather than once per
    facility (translation lookups were a third of the time for 2,000 facilities)."""

    def __missing__(self, msgid):
        value = self[msgid] = gettext(msgid)
        return value


def gender_fits(gender: str, accepted: frozenset[str]) -> bool:
    """Youth and facilities share one code set (capacity.models.Gender). A youth whose
    gender is unknown fits only where every gender is accepted: any other facility would
    be a guess about who the youth is (see Gender)."""
    if gender == Gender.UNKNOWN:
        return accepted >= ALL_FACILITY_GENDERS
    return gender in accepted


def _gender_criterion(gender: str, accepted: frozenset[str], _) -> Criterion:
    fits = gender_fits(gender, accepted)
    if gender == Gender.UNKNOWN:
        text = (
            _("Geslacht onbekend; deze locatie neemt elk geslacht op")
            if fits
            else _("Geslacht onbekend; deze locatie neemt niet elk geslacht op")
        )
    else:
        text = _("Geslacht wordt opgenomen") if fits else _("Geslacht wordt hier niet opgenomen")
    return Criterion("gender", fits, text)


def evaluate(need: Need, facility: FacilityFacts, texts: _Texts | None = None) -> Match:
    _ = (_Texts() if texts is None else texts).__getitem__
    criteria = [
        Criterion(
            "care_type",
            facility.care_type in need.care_types,
            _("Zorgvorm past bij het zorgprofiel")
            if facility.care_type in need.care_types
            else _("Zorgvorm staat niet in het zorgprofiel"),
        ),
        Criterion(
            "age",
            facility.age_min <= need.age_at_start <= facility.age_max,
            _("Leeftijd %(age)s valt binnen %(min)s-%(max)s jaar")
            % {"age": need.age_at_start, "min": facility.age_min, "max": facility.age_max}
            if facility.age_min <= need.age_at_start <= facility.age_max
            else _("Leeftijd %(age)s valt buiten %(min)s-%(max)s jaar")
            % {"age": need.age_at_start, "min": facility.age_min, "max": facility.age_max},
        ),
        _gender_criterion(need.gender, facility.genders, _),
    ]
    if facility.security == CLOSED and need.security != CLOSED:
        criteria.append(
            Criterion("security", False, _("Gesloten locatie, terwijl het zorgprofiel geen gesloten zorg vraagt"))
        )
    elif facility.security == CLOSED and not need.machtiging_valid:
        criteria.append(
            Criterion("security", False, _("Gesloten locatie, maar er is geen geldige machtiging gesloten jeugdzorg"))
        )
    elif need.security == CLOSED and facility.security != CLOSED:
        criteria.append(Criterion("security", False, _("Het zorgprofiel vraagt gesloten zorg; deze locatie is open")))
    else:
        criteria.append(Criterion("security", True, _("Beveiligingsniveau past")))
    active = (facility.active_from is None or facility.active_from <= need.start_date) and (
        facility.active_until is None or need.start_date <= facility.active_until
    )
    criteria.append(
        Criterion(
            "active",
            active,
            _("Locatie is actief op de startdatum") if active else _("Locatie is niet actief op de startdatum"),
        )
    )

    wanted = need.specialisations
    covered = wanted & facility.specialisations
    coverage = len(covered) / len(wanted) if wanted else 1.0
    criteria.append(
        Criterion(
            "specialisations",
            coverage == 1.0,
            _("Specialisaties: %(covered)s van %(wanted)s gedekt") % {"covered": len(covered), "wanted": len(wanted)},
            hard=False,
        )
    )
    intensity = _intensity_score(need.intensity, facility.intensity)
    criteria.append(
        Criterion(
            "intensity",
            intensity == 1.0,
            _("Intensiteit %(offered)s (gevraagd %(wanted)s)")
            % {"offered": facility.intensity or "-", "wanted": need.intensity or "-"},
            hard=False,
        )
    )
    distance = distance_km(need.home_lat, need.home_lon, facility.lat, facility.lon)
    within = need.max_distance_km is None or distance <= need.max_distance_km
    criteria.append(
        Criterion(
            "distance",
            within,
            _("%(km)s km van de woongemeente") % {"km": round(distance)}
            + ("" if within else " " + _("(verder dan de gewenste %(max)s km)") % {"max": round(need.max_distance_km)}),
            hard=False,
        )
    )
    own_region = facility.region_id == need.home_region_id
    criteria.append(
        Criterion(
            "region", own_region, _("In de eigen regio") if own_region else _("Buiten de eigen regio"), hard=False
        )
    )
    criteria.append(
        Criterion(
            "freshness",
            not facility.is_stale,
            _("Beschikbaarheid recent bevestigd") if not facility.is_stale else _("Beschikbaarheid verouderd"),
            hard=False,
        )
    )
    if facility.declined_this_request:
        criteria.append(Criterion("declined", False, _("Deze aanbieder heeft dit verzoek al afgewezen"), hard=False))

    match = Match(facility, Group.UNFIT, criteria, distance, coverage, intensity)
    match._home_region_id = need.home_region_id
    if match.fits:
        available = is_available(free=facility.free_places, stale=facility.is_stale)
        match.group = Group.AVAILABLE if available else Group.FULL
    return match


def rank(need: Need, facilities) -> dict[str, list[Match]]:
    """Evaluate every facility and split into the three lists, each in ranking order."""
    groups = {Group.AVAILABLE: [], Group.FULL: [], Group.UNFIT: []}
    texts = _Texts()
    for facility in facilities:
        match = evaluate(need, facility, texts)
        groups[match.group].append(match)
    for matches in groups.values():
        matches.sort(key=Match.sort_key)
    return groups
