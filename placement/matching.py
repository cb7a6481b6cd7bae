"""Matching rules: which facilities fit a need, why (not), and in what order.

Pure functions over plain data, so the rules can be read and tested on their own; the
selector that feeds them from the database lives in placement/selectors (matching issue).

Hard criteria (a facility that fails one can never be offered, free places or not):
care type acceptable, age at the intended start within the facility's range, gender
accepted (an unknown gender only where every gender is), security level (a closed facility
only when the need requires closed care and the youth has a valid machtiging; a need for
closed care only in a closed facility), and the facility active on the intended start date.

Fit with the current group of a small home (issue 11 point 7, `group_fit`), each rule
explained in words; soft (it lowers the ranking) unless the region sets `group_fit_hard`
(then a facility that breaks one is unfit). No group recorded is "unknown", never a misfit.

- age: the youth and the group together span at most GROUP_MAX_AGE_SPREAD years;
- gender: in a group of GROUP_ALONE_FROM or more, the youth is not the only girl or the
  only boy (a youth whose gender is "other" or unknown is not judged on this);
- level of functioning (capacity.models.FunctioningLevel, ordered LVB < average < above
  average): nobody in the group is two levels from the youth, and in a group of
  GROUP_ALONE_FROM or more at least one resident shares the youth's level. The youth's
  level is LVB when the need profile asks for the LVB specialisation, else average;
- machtiging: youth with and without a machtiging may live together (DOMAIN: nobody has
  to move when a machtiging ends); shown, never a misfit.

Ranking of fitting facilities: a provider that refused this request before (declined,
no answer in time, or retracted after acceptance) last; then own (home) region first,
fewer misfits with the group, specialisation coverage, intensity match, distance from
the home municipality, and fresh availability before stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_lazy

from accounts.geo import distance_km
from capacity.models import FACILITY_GENDERS, FunctioningLevel, Gender
from capacity.rules import is_available

OPEN, CLOSED = "open", "closed"
ALL_FACILITY_GENDERS = frozenset(gender.value for gender in FACILITY_GENDERS)
GROUP_MAX_AGE_SPREAD = 4  # years between the youngest and the oldest, the youth included
GROUP_ALONE_FROM = 2  # residents from which nobody should be the only one of a gender or level
LEVELS = list(FunctioningLevel.values)  # LVB first
GROUP_CRITERIA = ("group_age", "group_gender", "group_level")  # the rules that can misfit

# What a coordinator reads when unfit facilities are counted per failed hard criterion.
FAILED_LABELS = {
    "care_type": gettext_lazy("Zorgvorm staat niet in het zorgprofiel"),
    "age": gettext_lazy("Leeftijd valt buiten het bereik van de locatie"),
    "gender": gettext_lazy("Geslacht wordt hier niet opgenomen"),
    "security": gettext_lazy("Beveiligingsniveau past niet"),
    "active": gettext_lazy("Locatie is niet actief op de startdatum"),
    "group_age": gettext_lazy("Leeftijdsverschil met de groep te groot"),
    "group_gender": gettext_lazy("De jeugdige zou de enige van dat geslacht zijn in de groep"),
    "group_level": gettext_lazy("Niveau van functioneren past niet bij de groep"),
}


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
    level: str = FunctioningLevel.AVERAGE
    group_fit_hard: bool = False  # the request's region makes fit with the group a hard criterion
    # The active G7 band codes, lightest first (capacity.selectors.active_band_codes):
    # intensity is scored by how many half-hour bands apart the wish and the offer are.
    band_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resident:
    age: int
    gender: str
    level: str
    machtiging: bool


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
    declined_on: date | None = None  # the latest refusal of this request by the provider
    declined_reason: str = ""  # its reason, in words
    group: tuple[Resident, ...] | None = None  # None: no group recorded
    group_recorded_on: date | None = None
    group_is_stale: bool = False


@dataclass
class Criterion:
    code: str
    ok: bool
    text: str
    hard: bool = True
    unknown: bool = False  # nothing to judge on (e.g. no group recorded): neither fit nor misfit


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

    @property
    def group_misfits(self) -> int:
        return sum(1 for c in self.criteria if c.code in GROUP_CRITERIA and not c.ok)

    def sort_key(self):
        return ranking_key(
            declined=self.facility.declined_this_request,
            other_region=self.facility.region_id != self._home_region_id,
            group_misfits=self.group_misfits,
            coverage=self.specialisation_coverage,
            intensity=self.intensity_score,
            distance=self.distance_km,
            stale=self.facility.is_stale,
            facility_id=self.facility.facility_id,
        )

    _home_region_id: int = 0


def ranking_key(*, declined, other_region, group_misfits, coverage, intensity, distance, stale, facility_id):
    """The order within each list (see the module docstring): also used for the rows that
    are ranked but not explained (placement.selectors.matching)."""
    return (declined, other_region, group_misfits, -coverage, -intensity, round(distance, 1), stale, facility_id)


def specialisation_coverage(wanted: frozenset[str], offered) -> float:
    return len(wanted & offered) / len(wanted) if wanted else 1.0


def _intensity_score(wanted: str | None, offered: str | None, order: tuple[str, ...]) -> float:
    """1 for the band asked for; 0.75 up to an hour (two half-hour bands) apart, 0.5 up to
    two hours, 0 further; 0.5 when either is unknown or not an active band."""
    if not wanted or not offered or wanted not in order or offered not in order:
        return 0.5
    gap = abs(order.index(wanted) - order.index(offered))
    return 1.0 if gap == 0 else 0.75 if gap <= 2 else 0.5 if gap <= 4 else 0.0


intensity_score = _intensity_score  # public name for the selector (tests use the old one)


class _Texts(dict):
    """Translated explanation texts, each looked up once per ranking rather than once per
    facility (translation lookups were a third of the time for 2,000 facilities)."""

    def __missing__(self, msgid):
        value = self[msgid] = gettext(msgid)
        return value


@lru_cache(maxsize=1024)
def _day_in(value: date, language: str | None) -> str:
    return date_format(value, "j F Y")


def day_text(value: date | None) -> str:
    """A day as the explanations write it ("3 november 2026"), "-" when unknown; each day
    formatted once per language (date_format was a fifth of explaining 237 rows)."""
    return _day_in(value, get_language()) if value else "-"


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


def _age_spread(youth_age: int, ages) -> int:
    """Years between the youngest and the oldest of the group with the youth."""
    return max(max(ages), youth_age) - min(min(ages), youth_age)


def _gender_counts(gender: str, genders) -> tuple[int, bool]:
    """(residents of the youth's gender, whether the youth would be the only one of it)."""
    same = sum(1 for g in genders if g == gender)
    return same, len(genders) >= GROUP_ALONE_FROM and same == 0


def _youth_level(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else LEVELS.index(FunctioningLevel.AVERAGE)


def _level_counts(youth: int, levels) -> tuple[int, int]:
    """(residents two levels from the youth, residents on the youth's level)."""
    indexes = [LEVELS.index(level) for level in levels]
    return sum(1 for i in indexes if abs(i - youth) >= 2), sum(1 for i in indexes if i == youth)


def group_misfit_codes(need: Need, ages, genders, levels) -> tuple[str, ...]:
    """The group criteria (GROUP_CRITERIA) a non-empty recorded group fails, without the
    texts: the same rules as `group_fit`, for ranking and counting the rows not shown."""
    codes = []
    if _age_spread(need.age_at_start, ages) > GROUP_MAX_AGE_SPREAD:
        codes.append("group_age")
    if need.gender in (Gender.FEMALE, Gender.MALE) and _gender_counts(need.gender, genders)[1]:
        codes.append("group_gender")
    far, same = _level_counts(_youth_level(need.level), levels)
    if far or (len(levels) >= GROUP_ALONE_FROM and same == 0):
        codes.append("group_level")
    return tuple(codes)


def _group_age(need: Need, group, hard: bool, _) -> Criterion:
    spread = _age_spread(need.age_at_start, [r.age for r in group])
    values = {
        "min": min(r.age for r in group),
        "max": max(r.age for r in group),
        "spread": spread,
        "limit": GROUP_MAX_AGE_SPREAD,
    }
    if spread <= GROUP_MAX_AGE_SPREAD:
        text = _("Leeftijd: de groep is %(min)s-%(max)s jaar; met deze jeugdige %(spread)s jaar verschil") % values
    else:
        text = (
            _(
                "Leeftijd: de groep is %(min)s-%(max)s jaar; met deze jeugdige %(spread)s jaar verschil, "
                "meer dan %(limit)s"
            )
            % values
        )
    return Criterion("group_age", spread <= GROUP_MAX_AGE_SPREAD, text, hard=hard)


def _group_gender(need: Need, group, hard: bool, _) -> Criterion:
    if need.gender not in (Gender.FEMALE, Gender.MALE):
        return Criterion(
            "group_gender", True, _("Geslachtsverdeling: niet beoordeeld (geslacht anders of onbekend)"), hard=hard
        )
    same, alone = _gender_counts(need.gender, [r.gender for r in group])
    values = {"same": same, "n": len(group)}
    if alone:
        text = (
            _("Geslachtsverdeling: de jeugdige zou het enige meisje zijn in een groep van %(n)s")
            if need.gender == Gender.FEMALE
            else _("Geslachtsverdeling: de jeugdige zou de enige jongen zijn in een groep van %(n)s")
        ) % values
        return Criterion("group_gender", False, text, hard=hard)
    text = (
        _("Geslachtsverdeling: %(same)s van de %(n)s groepsgenoten is ook een meisje")
        if need.gender == Gender.FEMALE
        else _("Geslachtsverdeling: %(same)s van de %(n)s groepsgenoten is ook een jongen")
    ) % values
    return Criterion("group_gender", True, text, hard=hard)


def _group_level(need: Need, group, hard: bool, _) -> Criterion:
    youth = _youth_level(need.level)
    far, same = _level_counts(youth, [r.level for r in group])
    values = {"level": str(FunctioningLevel(LEVELS[youth]).label), "same": same, "far": far, "n": len(group)}
    if far:
        text = _("Niveau: %(far)s van de %(n)s groepsgenoten functioneren twee niveaus van de jeugdige (%(level)s)")
        return Criterion("group_level", False, text % values, hard=hard)
    if len(group) >= GROUP_ALONE_FROM and same == 0:
        text = _("Niveau: niemand in de groep van %(n)s functioneert op het niveau van de jeugdige (%(level)s)")
        return Criterion("group_level", False, text % values, hard=hard)
    text = _("Niveau: %(same)s van de %(n)s groepsgenoten functioneren op het niveau van de jeugdige (%(level)s)")
    return Criterion("group_level", True, text % values, hard=hard)


def group_fit(need: Need, facility: FacilityFacts, _=gettext) -> list[Criterion]:
    """Fit with the facility's current group, explained (see the module docstring)."""
    group = facility.group
    if group is None:
        return [
            Criterion(
                "group",
                True,
                _("Groepssamenstelling onbekend: de aanbieder heeft geen groep vastgelegd"),
                hard=False,
                unknown=True,
            )
        ]
    recorded = day_text(facility.group_recorded_on)
    freshness = Criterion(
        "group_recorded",
        not facility.group_is_stale,
        (
            _("Groep vastgelegd op %(date)s (verouderd)")
            if facility.group_is_stale
            else _("Groep vastgelegd op %(date)s")
        )
        % {"date": recorded},
        hard=False,
    )
    if not group:
        return [Criterion("group", True, _("Er woont nu niemand in de groep"), hard=False), freshness]
    hard = need.group_fit_hard
    with_machtiging = sum(1 for r in group if r.machtiging)
    return [
        _group_age(need, group, hard, _),
        _group_gender(need, group, hard, _),
        _group_level(need, group, hard, _),
        Criterion(
            "group_machtiging",
            True,
            _(
                "Machtiging: %(with)s van de %(n)s groepsgenoten met machtiging; "
                "wonen met en zonder machtiging samen mag"
            )
            % {"with": with_machtiging, "n": len(group)},
            hard=False,
        ),
        freshness,
    ]


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
    coverage = specialisation_coverage(wanted, facility.specialisations)
    criteria.append(
        Criterion(
            "specialisations",
            coverage == 1.0,
            _("Specialisaties: %(covered)s van %(wanted)s gedekt") % {"covered": len(covered), "wanted": len(wanted)},
            hard=False,
        )
    )
    intensity = _intensity_score(need.intensity, facility.intensity, need.band_order)
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
    criteria.extend(group_fit(need, facility, _))
    if facility.declined_this_request:
        criteria.append(
            Criterion(
                "declined",
                False,
                _("Wees eerder af op %(date)s: %(reason)s")
                % {
                    "date": day_text(facility.declined_on),
                    "reason": facility.declined_reason or "-",
                },
                hard=False,
            )
        )

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
