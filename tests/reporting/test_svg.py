"""Server-rendered charts: accessible SVG that reads its figures out, gaps for suppressed
values, an empty chart that says why."""

from xml.etree import ElementTree

from reporting.svg import render_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _spec(**extra):
    return {
        "key": "occupancy",
        "title": "Bezettingsgraad in de tijd",
        "type": "line",
        "labels": ["01-01", "08-01", "15-01"],
        "datasets": [{"label": "Bezettingsgraad %", "data": [80, None, 95.5]}],
        "norm": 90,
        "norm_label": "Norm 90%",
        "unit": "%",
        "empty": "",
        **extra,
    }


def test_svg_is_an_accessible_image_with_its_figures_in_words():
    root = ElementTree.fromstring(str(render_svg(_spec())))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find("s:title", NS).get("id") == title_id and root.find("s:desc", NS).get("id") == desc_id
    desc = root.find("s:desc", NS).text
    assert "01-01: 80" in desc and "15-01: 95.5" in desc and "08-01: geen waarde" in desc and "Norm 90%" in desc
    assert "style=" not in str(render_svg(_spec()))  # the CSP allows no inline style


def test_a_suppressed_value_is_a_gap_not_a_point():
    root = ElementTree.fromstring(str(render_svg(_spec())))
    assert len(root.findall("s:circle", NS)) == 2  # two values, one gap
    assert root.findall("s:polyline", NS) == []  # no line drawn across the gap


def test_bars_stacked_bars_and_the_empty_state():
    bars = ElementTree.fromstring(
        str(
            render_svg(
                _spec(type="bar", datasets=[{"label": "a", "data": [1, 2, 3]}, {"label": "b", "data": [4, None, 6]}])
            )
        )
    )
    data_rects = [r for r in bars.findall("s:rect", NS) if r.get("width") != "10"]  # not the legend keys
    assert len(data_rects) == 5
    stacked = ElementTree.fromstring(
        str(
            render_svg(
                _spec(
                    type="stacked-bar",
                    norm=None,
                    datasets=[{"label": "a", "data": [1, 2, 3]}, {"label": "b", "data": [4, 5, 6]}],
                )
            )
        )
    )
    assert len([r for r in stacked.findall("s:rect", NS) if r.get("width") != "10"]) == 6
    empty = ElementTree.fromstring(str(render_svg(_spec(empty="Geen plaatsingen in deze periode."))))
    assert "Geen plaatsingen in deze periode." in "".join(empty.itertext())
    assert empty.findall("s:circle", NS) == []


def test_text_is_escaped():
    root = ElementTree.fromstring(str(render_svg(_spec(title="<script>x</script> & co"))))
    assert root.find("s:title", NS).text == "<script>x</script> & co"
