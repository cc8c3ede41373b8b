"""Charts of the printed reports, drawn on the server as inline SVG (WeasyPrint runs no JavaScript).

Library: **pygal**. Both candidates were tried on the same grouped bar chart with Chinese labels,
rendered by WeasyPrint with Noto Sans CJK SC: both produce SVG that WeasyPrint draws, with the
CJK font embedded (checked with `pdffonts`) and the labels extractable (`pdftotext`). pygal was
chosen because the report needs grouped bars (activities side by side per township), legends,
value labels, formatted percentages and line charts over eight quarters; leather draws one
series per bar chart (no grouped bars), has no value formatting of labels and no legend of its
own, and its development is slow. pygal is pure Python (no Matplotlib, no native code), takes a
few milliseconds per chart; its tooltip script is turned off (`js=[]`) and the config `<script>`
it still writes is stripped, so the SVG is static. Each function returns SVG markup safe to
place inline in a template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from core.rates import percent_number
from supervision.choices import TaskKind, WarningLevel

__all__ = ["on_time_bars", "problem_bars", "trend_lines", "warning_bars"]

FONT = '"Noto Sans CJK SC", sans-serif'
PALETTE = ("#1f5fa8", "#d9822b", "#3a9d5d", "#8e44ad", "#c0392b", "#7f8c8d")
WARNING_COLOURS = {
    WarningLevel.NONE: "#3a9d5d",
    WarningLevel.YELLOW: "#e6b800",
    WarningLevel.ORANGE: "#e67e22",
    WarningLevel.RED: "#c0392b",
}


def _style(colors: Sequence[str] = PALETTE) -> Style:
    return Style(
        font_family=FONT,
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#999",
        colors=tuple(colors),
        title_font_size=15,
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=12,
        value_font_size=10,
    )


def _options(**extra) -> dict:
    return {
        "width": 760,
        "height": 340,
        "js": [],  # static SVG: no tooltips script
        "disable_xml_declaration": True,
        "explicit_size": False,
        "legend_at_bottom": True,
        "truncate_label": -1,
        "truncate_legend": -1,
        "print_values": False,
        "margin": 12,
        **extra,
    }


def _count_axis(values) -> dict:
    """Whole-number ticks for counts (pygal would label 0.5 villages)."""
    top = max([v for v in values if v is not None] + [1])
    step = max(1, -(-top // 8))
    return {"y_labels": list(range(0, top + step, step))}


#: pygal always writes its config as a <script>, and ids shared by every chart (legend toggles)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_SHARED_IDS = re.compile(r'\sid="activate-serie-\d+"')


def _render(chart) -> SafeString:
    """The chart as static SVG: no script, no id that two charts of a page would share."""
    svg = _SHARED_IDS.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
    return mark_safe(svg)


def on_time_bars(rows, kinds: Sequence[str], *, title: str) -> SafeString:
    """Grouped bars: the share of each duty kind done on time, per row (township or village)."""
    chart = pygal.Bar(
        style=_style(),
        **_options(
            range=(0, 100),
            value_formatter=lambda v: f"{v:.0f}%",
            x_label_rotation=-30 if len(rows) > 8 else 0,
        ),
    )
    chart.title = title
    chart.x_labels = [row.name for row in rows]
    for kind in kinds:
        chart.add(
            str(TaskKind(kind).label),
            [percent_number(row.figures.on_time_rate(kind)) for row in rows],
        )
    return _render(chart)


def warning_bars(figures) -> SafeString:
    """Villages per warning level, each bar in its level's colour."""
    levels = list(WarningLevel)
    chart = pygal.Bar(
        style=_style([WARNING_COLOURS[level] for level in levels]),
        **_options(
            height=260,
            print_values=True,
            **_count_axis([figures.warnings.get(int(level), 0) for level in levels]),
        ),
    )
    chart.title = _("Villages by warning level")
    chart.x_labels = [""]
    for level in levels:
        chart.add(str(level.label), [figures.warnings.get(int(level), 0)])
    return _render(chart)


def problem_bars(rows) -> SafeString:
    """Problems opened, closed and overdue per row (township or village)."""
    chart = pygal.Bar(
        style=_style(("#1f5fa8", "#3a9d5d", "#c0392b")),
        **_options(
            x_label_rotation=-30 if len(rows) > 8 else 0,
            **_count_axis(
                [
                    n
                    for row in rows
                    for n in (row.figures.problems_opened, row.figures.problems_overdue)
                ]
            ),
        ),
    )
    chart.title = _("Problems in the quarter")
    chart.x_labels = [row.name for row in rows]
    chart.add(_("Problems opened"), [row.figures.problems_opened for row in rows])
    chart.add(_("Problems closed"), [row.figures.problems_closed for row in rows])
    chart.add(_("Problems overdue"), [row.figures.problems_overdue for row in rows])
    return _render(chart)


def trend_lines(trend) -> SafeString:
    """Done-on-time rates of inspections and hearings over the last quarters."""
    chart = pygal.Line(
        style=_style(),
        **_options(range=(0, 100), value_formatter=lambda v: f"{v:.0f}%", dots_size=3),
    )
    chart.title = _("Done on time over the last eight quarters")
    chart.x_labels = [str(period) for period, _data in trend]
    chart.add(str(TaskKind.INSPECTION.label), [percent_number(d["inspection"]) for _p, d in trend])
    chart.add(str(TaskKind.HEARING.label), [percent_number(d["hearing"]) for _p, d in trend])
    return _render(chart)
