"""Issue 15 (perf-pages): the board reads one page of rows and the totals of every
filtered row in ONE statement (`capacity.selectors.board_page`). It must give what the two
reads before it gave: the ORM aggregate of the totals and the sliced, ordered rows (kept
here as the oracle), for every ordering and page, a page that is not a number (the first),
one out of range (the last), an empty list and an impossible filter."""

from datetime import timedelta

import pytest
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, OuterRef, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Municipality
from capacity import rules, selectors
from capacity.filters import FacilityFilter
from capacity.models import Facility
from tests.capacity.factories import FacilityFactory, provider_org, specialisation

SIZE = 3


def _oracle_totals(queryset) -> dict:
    totals = queryset.order_by().aggregate(
        t_facilities=Count("id"),
        t_stale=Count("id", filter=Q(is_stale=True)),
        t_contracted=Sum("places_contracted"),
        t_staffed=Sum("places_staffed"),
        t_occupied=Sum(rules.occupied_places_expression()),
        t_held=Sum("held"),
        t_free=Sum(rules.free_places_expression(), filter=Q(is_stale=False)),
        t_free_stale=Sum(rules.free_places_expression(), filter=Q(is_stale=True)),
    )
    return {key[2:]: value or 0 for key, value in totals.items()}


def _oracle_rows(queryset, offset: int) -> list[tuple]:
    labels = (
        Facility.specialisations.through.objects.filter(facility_id=OuterRef("pk"))
        .order_by("specialisation__sort_order", "specialisation__label")
        .values("specialisation__label")
    )
    rows = (
        queryset.prefetch_related(None)
        .annotate(specialisation_labels=ArraySubquery(labels))
        .values_list(*selectors.BOARD_ROW_FIELDS)[offset : offset + SIZE]
    )
    return list(rows)


@pytest.fixture
def facilities(twente, coordinator):
    """Eight facilities with figures that differ in every total: stale and fresh, held,
    occupied inside and outside, specialisations, equal names (the id breaks the tie)."""
    now = timezone.now()
    horst, berg = provider_org(name="Horst"), provider_org(name="Berg")
    hengelo = Municipality.objects.get(code="GM0164")
    made = []
    for n, (name, provider, staffed, internal, external, held, confirmed_days_ago) in enumerate(
        [
            ("Kwartel", horst, 6, 1, 2, 1, 0),
            ("Merel", berg, 4, 0, 0, 0, None),
            ("Appel", horst, 8, 3, 0, 2, 40),
            ("Zwaluw", berg, 2, 0, 1, 0, 1),
            ("Appel", berg, 5, 0, 0, 1, 2),
            ("Duif", horst, 9, 4, 4, 0, 100),
            ("Eik", berg, 3, 3, 0, 0, 0),
            ("Bever", horst, 7, 0, 2, 3, 5),
        ]
    ):
        facility = FacilityFactory(
            name=name,
            provider=provider,
            places_staffed=staffed,
            places_contracted=staffed + n,
            occupied_internal=internal,
            occupied_external=external,
            held=held,
            municipality=hengelo if n % 3 == 0 else Municipality.objects.get(code="GM0153"),
            regions_served=[twente],
            specialisations=[specialisation(code) for code in ("autisme", "verslaving", "trauma")[: n % 4]],
        )
        if confirmed_days_ago is not None:
            Facility.objects.filter(pk=facility.pk).update(
                last_confirmed_at=now - timedelta(days=confirmed_days_ago), last_confirmed_by=coordinator
            )
        made.append(facility)
    return made


def _filtered(membership, query: dict):
    filterset = FacilityFilter(query, queryset=selectors.facility_list(membership=membership, detail=False))
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["", "name", "-free", "municipality", "provider", "-last_confirmed_at"])
@pytest.mark.parametrize("page", [None, "1", "2", "3", "0", "abc", "99", "-1"])
def test_a_page_and_its_totals_are_those_of_the_two_reads_before(coordinator, facilities, ordering, page):
    queryset = _filtered(coordinator.memberships.get(), {"ordering": ordering} if ordering else {})
    rows, totals, shown = selectors.board_page(queryset, page=page, page_size=SIZE)
    expected_totals = _oracle_totals(queryset)
    assert totals == expected_totals and expected_totals["facilities"] == 8
    assert 0 < expected_totals["stale"] < 8 and expected_totals["free"] and expected_totals["free_stale"]
    number = {None: 1, "1": 1, "2": 2, "3": 3, "abc": 1}.get(page, 3)  # out of range: the last page
    assert shown.number == number and shown.paginator.num_pages == 3
    assert rows == _oracle_rows(queryset, (number - 1) * SIZE)
    assert len(rows) == (2 if number == 3 else 3)


@pytest.mark.django_db
def test_an_existing_page_is_one_statement(coordinator, facilities):
    queryset = _filtered(coordinator.memberships.get(), {"ordering": "-free"})
    with CaptureQueriesContext(connection) as captured:
        selectors.board_page(queryset, page="2", page_size=SIZE)
    assert len(captured) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"q": "geen-zo-een-naam"}, {"security_level": "closed"}])
def test_a_filter_without_rows_gives_zero_totals_and_the_first_page(coordinator, facilities, query):
    rows, totals, shown = selectors.board_page(
        _filtered(coordinator.memberships.get(), query), page="2", page_size=SIZE
    )
    assert rows == [] and set(totals.values()) == {0} and shown.number == 1


@pytest.mark.django_db
def test_an_empty_list_gives_zero_totals(coordinator, facilities):
    empty = selectors.facility_list(membership=coordinator.memberships.get(), detail=False).none()
    rows, totals, shown = selectors.board_page(empty, page=None, page_size=SIZE)
    assert rows == [] and set(totals.values()) == {0} and shown.number == 1
    assert selectors.facility_totals(empty) == totals
