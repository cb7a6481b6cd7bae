"""Issue 15 (perf-pages): the board's filter options are built in Python
(`capacity.board_html.options_html`) instead of three template loops. The page must show
the same options, in the same order, with the same ones selected and every text escaped as
the template loops did; the loops are kept here as the oracle."""

import re

import pytest
from django.template import Context, Template

from accounts.models import Region
from capacity.models import CareType, Specialisation

ORACLE = Template(
    '{% for care_type in care_types %}<option value="{{ care_type.code }}"'
    "{% for v in care_type_values %}{% if v == care_type.code %} selected{% endif %}{% endfor %}>"
    "{{ care_type.label }}</option>{% endfor %}"
    "|"
    '{% for item in specialisations %}<option value="{{ item.code }}"'
    "{% for v in specialisation_values %}{% if v == item.code %} selected{% endif %}{% endfor %}>"
    "{{ item.label }}</option>{% endfor %}"
    "|"
    '{% for region in regions %}<option value="{{ region.code }}"{% if region_value == region.code %} selected'
    "{% endif %}>{{ region.name }}</option>{% endfor %}"
)


def _select(html: str, name: str) -> str:
    body = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    # the first option is the template's own "all" option
    return "".join(re.findall(r"<option value=\"[^\"]+\".*?</option>", body, re.S))


def _expected(care_type_values=(), specialisation_values=(), region_value=None) -> list[str]:
    return ORACLE.render(
        Context(
            {
                "care_types": CareType.objects.order_by("sort_order", "label"),
                "specialisations": Specialisation.objects.order_by("sort_order", "label"),
                "regions": Region.objects.order_by("name"),
                "care_type_values": care_type_values,
                "specialisation_values": specialisation_values,
                "region_value": region_value,
            }
        )
    ).split("|")


def _shown(html: str) -> list[str]:
    return [_select(html, "care_type"), _select(html, "specialisation"), _select(html, "region")]


@pytest.fixture
def odd_labels(db):
    """Labels and codes the escaping must handle; sorted first and in the middle."""
    CareType.objects.create(code="a-b", label='Groep <b>"Noord"</b> & co', sort_order=0)
    Specialisation.objects.create(code="trauma-x", label="Trauma's <i>&amp;</i>", sort_order=50)
    Region.objects.filter(code="JZ14").update(name="Twente <script>&")


@pytest.mark.django_db
def test_the_options_are_those_of_the_template_loops_unfiltered(client, coordinator, odd_labels):
    client.force_login(coordinator)
    html = client.get("/coordinator/capacity/").content.decode()
    shown = _shown(html)
    assert shown == _expected()
    assert all(shown) and " selected" not in "".join(shown)
    assert "&lt;b&gt;&quot;Noord&quot;&lt;/b&gt; &amp; co" in shown[0] and "<script>" not in html.split("<body")[1]


@pytest.mark.django_db
def test_the_chosen_options_stay_selected(client, coordinator, odd_labels):
    care = list(CareType.objects.order_by("sort_order").values_list("code", flat=True)[:2])
    special = Specialisation.objects.get(code="trauma-x").code
    client.force_login(coordinator)
    query = "&".join([*(f"care_type={c}" for c in care), f"specialisation={special}", "region=JZ14"])
    html = client.get(f"/coordinator/capacity/?{query}").content.decode()
    shown = _shown(html)
    assert shown == _expected(care, [special], "JZ14")
    assert [shown[0].count(" selected"), shown[1].count(" selected"), shown[2].count(" selected")] == [2, 1, 1]


@pytest.mark.django_db
def test_an_unknown_code_selects_nothing_and_the_page_explains_it(client, coordinator, odd_labels):
    client.force_login(coordinator)
    response = client.get("/coordinator/capacity/?care_type=nope&region=XX99")
    html = response.content.decode()
    assert response.status_code == 422
    assert _shown(html) == _expected(["nope"], (), "XX99")
    assert " selected" not in "".join(_shown(html))
    assert 'id="care_type-error"' in html and 'id="region-error"' in html
