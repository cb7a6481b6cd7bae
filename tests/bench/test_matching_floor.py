"""Issue 15 (perf-matching): the matching benchmark's floor is fair (the same three lists,
failing criteria, order and counts as the product), the SQL-first matching gives what the
old implementation gave on generated data, and its query count does not grow."""

from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Region
from bench.benchmarks import offers as offers_bench
from bench.harness import REGISTRY
from intake.models import ExplanatoryAnalysis, PlacementRequest, Youth
from placement import selectors
from tests.placement.factories import machtiging
from tests.placement.matching_oracle import old_matching_for_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_matching():
    return offers_bench._prepare_matching(1)


def test_the_matching_floor_is_the_products_answer(bench_matching):
    path = offers_bench._path_matching(bench_matching)
    floor = offers_bench._floor_matching(bench_matching)
    available, full, unfit, counts = path
    assert available and full and len(unfit) == selectors.UNFIT_PAGE_SIZE  # every list has rows
    assert sum(counts.values()) >= len(unfit) and not set(counts) & {"group_age", "group_gender", "group_level"}
    assert path[0] == floor[0]
    assert path[1] == floor[1]
    assert path[2] == floor[2]
    assert path[3] == floor[3]
    # And it is checked: a floor that ranks one row differently is not the same rows.
    wrong = (floor[0][::-1], *floor[1:])
    assert not REGISTRY["offers.matching"].same_rows(path, wrong)


def _shown(matches):
    return [
        (m.facility.facility_id, m.group, [(c.code, c.ok, c.hard, c.unknown, c.text) for c in m.criteria])
        for m in matches
    ]


def _same_as_the_oracle(membership, placement_request):
    new = selectors.matching_for_request(membership=membership, placement_request=placement_request)
    old = old_matching_for_request(membership=membership, placement_request=placement_request)
    assert _shown(new.available) == _shown(old.available)
    assert _shown(new.full) == _shown(old.full)
    assert _shown(new.unfit) == _shown(old.unfit[: selectors.UNFIT_PAGE_SIZE])
    assert new.unfit_total == len(old.unfit)
    assert new.unfit_failed == dict(Counter(c.code for m in old.unfit for c in m.failed))
    last = selectors.matching_for_request(
        membership=membership, placement_request=placement_request, unfit_page=new.unfit_pages
    )
    assert _shown(last.unfit) == _shown(old.unfit[(new.unfit_pages - 1) * selectors.UNFIT_PAGE_SIZE :])
    for match in old.available[:3] + old.unfit[:3]:  # the offer service's one-facility check
        one = selectors.matching_for_request(
            membership=membership, placement_request=placement_request, facility_id=match.facility.facility_id
        )
        assert _shown([one.match_of(match.facility.facility_id)]) == _shown([match])
    return new


@pytest.mark.parametrize("group_fit_hard", [False, True])
@pytest.mark.parametrize("gender", ["male", "female", "unknown"])
def test_the_sql_matching_gives_what_the_old_one_gave(bench_matching, group_fit_hard, gender):
    placement_request = bench_matching["request"]
    Region.objects.filter(pk=placement_request.region_id).update(group_fit_hard=group_fit_hard)
    youth = Youth.objects.get(pk=placement_request.youth_id)
    youth.gender = gender
    youth.save()
    placement_request.refresh_from_db()
    result = _same_as_the_oracle(bench_matching["membership"], placement_request)
    assert result.available and result.unfit_total > selectors.UNFIT_PAGE_SIZE
    if group_fit_hard:
        assert set(result.unfit_failed) & {"group_age", "group_gender", "group_level"}


@pytest.mark.parametrize("with_machtiging", [False, True])
def test_a_closed_need_with_and_without_machtiging_as_before(bench_matching, with_machtiging):
    placement_request = bench_matching["request"]
    old = placement_request.analysis
    closed = ExplanatoryAnalysis.objects.create(
        request=placement_request,
        version=old.version + 1,
        created_by=old.created_by,
        care_types=["jeugdzorgplus", *old.care_types],
        specialisations=old.specialisations,
        intensity=old.intensity,
        security="closed",
    )
    PlacementRequest.objects.filter(pk=placement_request.pk).update(analysis=closed)
    if with_machtiging:
        Youth.objects.filter(pk=placement_request.youth_id).update(**machtiging())
    placement_request = PlacementRequest.objects.get(pk=placement_request.pk)
    assert placement_request.youth.has_valid_machtiging(timezone.localdate()) is with_machtiging
    result = _same_as_the_oracle(bench_matching["membership"], placement_request)
    assert bool(result.available or result.full) is with_machtiging  # closed places only with a machtiging


def test_query_count_is_the_same_for_250_and_2000_facilities():
    counts = []
    for scale in (2, 16):
        with transaction.atomic():  # each scale on its own, rolled back
            context = offers_bench._prepare_matching(scale)
            with CaptureQueriesContext(connection) as captured:
                result = selectors.matching_for_request(
                    membership=context["membership"], placement_request=context["request"]
                )
            assert len(result.available) + len(result.full) + result.unfit_total == 125 * scale
            counts.append(len(captured.captured_queries))
            transaction.set_rollback(True)
    assert counts[0] == counts[1] <= 6, counts
