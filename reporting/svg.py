"""A chart spec (see reporting/charts.py) drawn as an accessible SVG on the server, for the
quarterly report's PDF (WeasyPrint draws SVG) and its printable page: no script needed.

The SVG has role="img", a <title> and a <desc> that reads the figures out (a screen
reader, and the PDF's text, get the numbers, not only the picture); gaps (suppressed
values) stay gaps; an empty chart says why it is empty. Presentation attributes only, no
style attributes (the CSP allows no inline style)."""

from __future__ import annotations

import itertools
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 36, 74
COLOURS = ["#01689b", "#e17000", "#39870c", "#a90061", "#8fcae7", "#ffb612", "#673327", "#42145f"]
_ids = itertools.count(1)


def _number(value) -> str:
    if value is None:
        return _("geen waarde")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _scale_max(spec) -> float:
    values = [v for d in spec["datasets"] for v in d["data"] if v is not None]
    if spec["type"] == "stacked-bar":
        values = [sum(d["data"][i] or 0 for d in spec["datasets"]) for i in range(len(spec["labels"]))]
    top = max([*values, spec.get("norm") or 0, 1])
    return top * 1.1


def describe(spec) -> str:
    """The figures in words: one sentence per series."""
    if spec.get("empty"):
        return spec["empty"]
    parts = []
    for dataset in spec["datasets"]:
        points = ", ".join(
            f"{label}: {_number(value)}" for label, value in zip(spec["labels"], dataset["data"], strict=False)
        )
        parts.append(f"{dataset['label']} ({spec.get('unit') or ''}) - {points}".replace(" ()", ""))
    if spec.get("norm") is not None:
        parts.append(spec.get("norm_label") or _("Norm: %(norm)s") % {"norm": spec["norm"]})
    return ". ".join(parts) + "."


def render_svg(spec: dict) -> SafeString:
    uid = f"chart-{escape(str(spec.get('key', 'c')))}-{next(_ids)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-svg" role="img" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(str(spec["title"]))}</title>',
        f'<desc id="{uid}-d">{escape(describe(spec))}</desc>',
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold" fill="#000">{escape(str(spec["title"]))}</text>',
    ]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base_y = TOP + plot_h
    out.append(f'<line x1="{LEFT}" y1="{base_y}" x2="{WIDTH - RIGHT}" y2="{base_y}" stroke="#555"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base_y}" stroke="#555"/>')
    if spec.get("empty"):
        out.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" font-size="13" text-anchor="middle" '
            f'fill="#333">{escape(str(spec["empty"]))}</text>'
        )
        out.append("</svg>")
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped

    top = _scale_max(spec)

    def y(value: float) -> float:
        return base_y - plot_h * (value / top)

    for step in range(5):  # gridlines and their values
        value = top / 1.1 * step / 4
        out.append(
            f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{WIDTH - RIGHT}" y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" font-size="10" text-anchor="end" fill="#333">'
            f"{value:.0f}</text>"
        )
    labels, datasets = spec["labels"], spec["datasets"]
    slot = plot_w / max(len(labels), 1)
    for i, label in enumerate(labels):
        x = LEFT + slot * (i + 0.5)
        out.append(
            f'<text x="{x:.1f}" y="{base_y + 14}" font-size="10" text-anchor="middle" fill="#333">'
            f"{escape(str(label))}</text>"
        )
    if spec["type"] == "line":
        for colour, dataset in zip(itertools.cycle(COLOURS), datasets, strict=False):
            segment: list[str] = []
            for i, value in enumerate([*dataset["data"], None]):
                if value is None:
                    if len(segment) > 1:
                        out.append(
                            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(segment)}"/>'
                        )
                    segment = []
                    continue
                point = f"{LEFT + slot * (i + 0.5):.1f},{y(value):.1f}"
                segment.append(point)
                out.append(f'<circle cx="{point.split(",")[0]}" cy="{point.split(",")[1]}" r="3" fill="{colour}"/>')
    else:
        stacked = spec["type"] == "stacked-bar"
        width = slot * 0.7 / (1 if stacked else max(len(datasets), 1))
        for i in range(len(labels)):
            offset = 0.0
            for d, (colour, dataset) in enumerate(zip(itertools.cycle(COLOURS), datasets, strict=False)):
                value = dataset["data"][i] if i < len(dataset["data"]) else None
                if value is None:
                    continue
                x = LEFT + slot * i + slot * 0.15 + (0 if stacked else d * width)
                top_y = y(offset + value)
                height = y(offset) - top_y
                out.append(
                    f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}"/>'
                )
                if stacked:
                    offset += value
    if spec.get("norm") is not None:
        norm_y = y(spec["norm"])
        out.append(
            f'<line x1="{LEFT}" y1="{norm_y:.1f}" x2="{WIDTH - RIGHT}" y2="{norm_y:.1f}" stroke="#d52b1e" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - RIGHT}" y="{norm_y - 4:.1f}" font-size="10" text-anchor="end" fill="#d52b1e">'
            f"{escape(str(spec.get('norm_label') or spec['norm']))}</text>"
        )
    legend_y = HEIGHT - 30
    x = LEFT
    for colour, dataset in zip(itertools.cycle(COLOURS), datasets, strict=False):
        out.append(
            f'<rect x="{x}" y="{legend_y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{legend_y + 9}" font-size="11" fill="#000">{escape(str(dataset["label"]))}</text>'
        )
        x += 24 + 7 * len(str(dataset["label"]))
    if spec.get("unit"):
        out.append(
            f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="10" fill="#333">'
            f"{escape(_('Eenheid: %(unit)s') % {'unit': spec['unit']})}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
