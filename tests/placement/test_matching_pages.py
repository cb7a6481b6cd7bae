"""Issue 15 (perf-matching): the unfit facilities are explained a page at a time, the rest
counted per failed criterion, in the API (`unfitPage`, `Link`) and on the matching page
(a pager with links); bad page numbers are refused (API) or read as page 1 (page)."""

import re

import pytest

from bench.benchmarks import offers as offers_bench
from placement import selectors
from tests.placement.matching_oracle import old_matching_for_request

pytestmark = pytest.mark.django_db

SIZE = selectors.UNFIT_PAGE_SIZE


@pytest.fixture
def bench():
    context = offers_bench._prepare_matching(1)  # 125 facilities, most of them unfit
    context["old"] = old_matching_for_request(membership=context["membership"], placement_request=context["request"])
    assert len(context["old"].unfit) > 2 * SIZE
    return context


def _ids(rows):
    return [row["facility"]["id"] for row in rows]


def test_the_api_explains_one_page_of_unfit_facilities_and_counts_them_all(bench):
    client, pk, old = bench["client"], bench["request"].pk, bench["old"]
    response = client.get(f"/api/v1/requests/{pk}/matches")
    assert response.status_code == 200
    body = response.json()
    pages = -(-len(old.unfit) // SIZE)
    assert _ids(body["unfit"]) == [m.facility.facility_id for m in old.unfit[:SIZE]]
    assert all(row["criteria"] and row["failed"] for row in body["unfit"])
    assert (body["unfit_total"], body["unfit_page"], body["unfit_pages"]) == (len(old.unfit), 1, pages)
    assert sum(body["unfit_failed"].values()) == sum(len(m.failed) for m in old.unfit)
    assert (
        'rel="next"' in response["Link"] and "unfitPage=2" in response["Link"] and 'rel="prev"' not in response["Link"]
    )
    second = client.get(f"/api/v1/requests/{pk}/matches?unfitPage=2")
    assert _ids(second.json()["unfit"]) == [m.facility.facility_id for m in old.unfit[SIZE : 2 * SIZE]]
    assert "unfitPage=1" in second["Link"] and "unfitPage=3" in second["Link"]
    assert _ids(second.json()["available"]) == _ids(body["available"])  # the fitting ones on every page
    beyond = client.get(f"/api/v1/requests/{pk}/matches?unfitPage={pages + 1}").json()
    assert beyond["unfit"] == [] and beyond["unfit_total"] == len(old.unfit)


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", "100000"])
def test_a_bad_unfit_page_is_a_problem_naming_it(bench, bad):
    response = bench["client"].get(f"/api/v1/requests/{bench['request'].pk}/matches?unfitPage={bad}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert [p["name"] for p in response.json()["invalid_params"]] == ["unfitPage"]


def _rows(html, group):
    section = html.split(f'id="matching-{group}"', 1)[1].split("</section>", 1)[0]
    return [int(i) for i in re.findall(r'data-facility-id="(\d+)"', section)], section


def test_the_page_shows_a_page_of_unfit_facilities_with_a_pager_and_counts(bench):
    client, pk, old = bench["client"], bench["request"].pk, bench["old"]
    html = client.get(f"/coordinator/requests/{pk}/matching/").content.decode()
    unfit, section = _rows(html, "unfit")
    assert unfit == [m.facility.facility_id for m in old.unfit[:SIZE]]
    assert f"Past niet ({len(old.unfit)})" in section
    assert f"Locaties 1 tot en met {SIZE} van {len(old.unfit)}" in section
    assert "Zorgvorm staat niet in het zorgprofiel: " in section  # counted per criterion
    assert 'rel="next" href="?unfitPage=2#matching-unfit"' in section and 'rel="prev"' not in section
    assert '<nav class="pager" aria-label=' in section
    available, _ = _rows(html, "available")
    assert available == [m.facility.facility_id for m in old.available]
    second = client.get(f"/coordinator/requests/{pk}/matching/?unfitPage=2").content.decode()
    unfit2, section2 = _rows(second, "unfit")
    assert unfit2 == [m.facility.facility_id for m in old.unfit[SIZE : 2 * SIZE]]
    assert 'rel="prev" href="?unfitPage=1#matching-unfit"' in section2
    explained = len(old.available) + len(old.full) + SIZE
    assert 0 < html.count('<li class="criterion') <= 20 * explained  # not one list per facility


@pytest.mark.parametrize("bad", ["0", "abc", "-3", "99999999999"])
def test_a_bad_page_number_on_the_page_shows_the_first_page(bench, bad):
    response = bench["client"].get(f"/coordinator/requests/{bench['request'].pk}/matching/?unfitPage={bad}")
    assert response.status_code == 200
    unfit, _ = _rows(response.content.decode(), "unfit")
    assert unfit == [m.facility.facility_id for m in bench["old"].unfit[:SIZE]]
