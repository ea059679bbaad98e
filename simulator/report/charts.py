"""The report's charts, drawn by matplotlib as SVG to put inline in the page (the only module that
imports matplotlib; it comes with the `report` extra).

matplotlib rather than hand-drawn SVG or a JavaScript library: it is well kept, draws every chart
here (the heatmap included) as static SVG with no script, and with svg.fonttype "none" its labels
stay text, so the browser draws Chinese in its own fonts and the page can be searched. Figures are
made with `Figure()` directly (no pyplot: no global state, no display needed), and every text is
drawn literally (text.parse_math off: a trainee called "$x$" is not typeset).
"""
from __future__ import annotations

import io
import logging
import math
import re
import warnings
from typing import TYPE_CHECKING, Callable

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from simulator.report.text import num, state_label

if TYPE_CHECKING:
    from simulator.store.cohort_stats import CohortStats
    from simulator.tui.i18n import Catalog

# Colours that stay apart for colour-blind readers (Okabe-Ito); one per dimension and event kind.
COLOURS = {"overall": "#0072B2", "listening": "#009E73", "empathy": "#CC79A7", "policy": "#E69F00",
           "landmines": "#D55E00", "spikes": "#E69F00", "lost": "#56B4E9", "line": "#0072B2",
           "pass": "#444444", "level": "#0072B2", "failed": "#999999"}
# Fonts the labels are measured with, then named in the SVG: the browser uses the first it has, and
# falls back per character (Chinese glyphs come from one of the CJK fonts, or the system's own).
FONTS = ["DejaVu Sans", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei",
         "PingFang SC", "SimHei", "sans-serif"]
STYLE = {
    "svg.fonttype": "none", "text.parse_math": False, "font.family": "sans-serif", "font.sans-serif": FONTS,
    "font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 10,
    "axes.titleweight": "bold", "axes.labelsize": 9, "axes.grid": True, "grid.color": "#e6e6e6",
    "axes.axisbelow": True, "figure.dpi": 72, "svg.hashsalt": "mystery-guest",
}
LABEL_MAX = 22  # characters of a name or state shown on a chart (the tables show them whole)
PER_ROW = 4     # progress panels per row


def short(text: str, limit: int = LABEL_MAX) -> str:
    """A label that fits beside a chart: cut with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _svg(fig: Figure, name: str) -> str:
    """The figure as an <svg> element for inline use: no XML prolog, and every id (clip paths,
    markers) prefixed with the chart's name, so several charts in one page never share an id."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="', f'id="{name}-', svg)
    svg = svg.replace("url(#", f"url(#{name}-").replace('href="#', f'href="#{name}-')
    # Shrinks with the page (never wider than drawn); the viewBox keeps the proportions.
    size = re.search(r'<svg[^>]*? width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if size:
        width = float(size.group(1)) * 4 / 3  # points to CSS pixels
        svg = (svg[:size.start(1) - len(' width="')] + f' class="chart" role="img" style="max-width:{width:.0f}px"'
               + svg[size.end(2) + len('pt"'):])
    return svg


def _draw(name: str, size: tuple[float, float], paint: Callable[[Figure], None]) -> str:
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():
        # "Glyph ... missing from font": a label in Chinese without a CJK font here; the browser
        # draws it with its own (the label stays text in the SVG).
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = Figure(figsize=size)
        paint(fig)
        return _svg(fig, name)


# matplotlib logs each font of FONTS it cannot find: not news for a report.
logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)


def score_distributions(stats: "CohortStats", t: "Catalog") -> str | None:
    """One histogram per dimension (overall first): completed calls per band of ten points; None
    when no call was completed."""
    if not any(stats.histograms["overall"]):
        return None

    def paint(fig: Figure) -> None:
        axes = fig.subplots(1, 4, sharey=True)
        edges = [i * 10 for i in range(10)]
        for ax, dim in zip(axes, stats.histograms):
            ax.bar(edges, stats.histograms[dim], width=9, align="edge", color=COLOURS[dim])
            label = t("report.overall") if dim == "overall" else t(f"dim.{dim}")
            mean = stats.means[dim]
            ax.set_title(label if mean is None else f"{label} · {num(mean)}")  # as the page prints it
            ax.set_xlim(0, 100)
            ax.set_xticks([0, 50, 100])
            ax.set_xlabel(t("report.points_axis"))
            if dim == "overall":
                ax.axvline(stats.pass_mark, color=COLOURS["pass"], linestyle="--", linewidth=1)
        axes[0].set_ylabel(t("report.calls_axis"))
        axes[0].yaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()

    return _draw("scores", (11, 2.8), paint)


def landmine_heatmap(stats: "CohortStats", t: "Catalog") -> str | None:
    """Trainees (rows) by landmine categories (columns), each cell the replies with that landmine;
    None when the cohort has none."""
    if not stats.categories:
        return None
    rows = stats.trainees
    grid = [[r.landmines.get(c, 0) for c in stats.categories] for r in rows]
    top = max(max(row) for row in grid) or 1

    def paint(fig: Figure) -> None:
        ax = fig.subplots()
        # Cells as vector shapes (imshow would embed a bitmap): crisp at any zoom.
        image = ax.pcolormesh(grid, cmap="OrRd", vmin=0, vmax=top, edgecolors="white", linewidth=1)
        ax.set_xticks([x + 0.5 for x in range(len(stats.categories))],
                      [t.get(f"landmine.{c}", c) for c in stats.categories], rotation=30, ha="right")
        ax.set_yticks([y + 0.5 for y in range(len(rows))], [short(r.name) for r in rows])
        ax.invert_yaxis()  # the first trainee at the top, as in the table
        ax.tick_params(length=0)
        ax.grid(False)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        for y, row in enumerate(grid):
            for x, n in enumerate(row):
                if n:
                    ax.text(x + 0.5, y + 0.5, str(n), ha="center", va="center", fontsize=8,
                            color="white" if n > top * 0.6 else "black")
        bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02)
        bar.outline.set_visible(False)
        bar.locator = MaxNLocator(integer=True)  # replies are counted whole: no 0.2, 0.4 ... ticks (trial 29)
        bar.update_ticks()
        fig.tight_layout()

    return _draw("heatmap", (min(10, 2.5 + 0.9 * len(stats.categories)), 1.2 + 0.32 * len(rows)), paint)


def progress(stats: "CohortStats", t: "Catalog") -> str | None:
    """One small panel per trainee: the overall score of each completed call in order, with the
    pass mark; None when no call was completed."""
    people = [r for r in stats.trainees if r.progress]
    if not people:
        return None
    cols = min(PER_ROW, len(people))
    rows = math.ceil(len(people) / cols)

    def paint(fig: Figure) -> None:
        axes = fig.subplots(rows, cols, sharey=True, squeeze=False)
        for i, ax in enumerate(axes.flat):
            if i >= len(people):
                ax.set_visible(False)
                continue
            who = people[i]
            xs = range(1, len(who.progress) + 1)
            ax.plot(xs, who.progress, color=COLOURS["line"], marker="o", markersize=3, linewidth=1.4)
            ax.axhline(stats.pass_mark, color=COLOURS["pass"], linestyle="--", linewidth=0.8)
            ax.set_title(short(who.name), loc="left")
            ax.set_ylim(0, 100)
            ax.set_xlim(0.5, max(2, len(who.progress)) + 0.5)
            ax.xaxis.get_major_locator().set_params(integer=True)
            if i % cols == 0:
                ax.set_ylabel(t("report.points_axis"))
            if i >= len(people) - cols:
                ax.set_xlabel(t("report.attempt_axis"))
        fig.tight_layout()

    return _draw("progress", (2.5 * cols + 0.5, 2.0 * rows + 0.3), paint)


def service_levels(stats: "CohortStats", t: "Catalog") -> str | None:
    """Completed calls by the service level reached, 0 (failed) to 5 (innovate); None when no call
    was completed."""
    if not any(stats.service_levels):
        return None

    def paint(fig: Figure) -> None:
        # Horizontal bars, the ladder upwards from 0: each level's name sits on its own row, so a
        # long one (level 0, "below answer (the caller did not get even that)") never runs into the
        # next, as it did under vertical bars, in either language.
        ax = fig.subplots()
        levels = range(len(stats.service_levels))
        ax.barh(list(levels), stats.service_levels,
                color=[COLOURS["failed"] if n == 0 else COLOURS["level"] for n in levels])
        ax.set_yticks(list(levels), [f"{n} {t(f'service.{n}')}" for n in levels])
        ax.set_xlabel(t("report.calls_axis"))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", visible=False)
        for n, value in zip(levels, stats.service_levels):
            if value:
                ax.annotate(str(value), (value, n), ha="left", va="center", xytext=(3, 0),
                            textcoords="offset points", fontsize=8)
        fig.tight_layout()

    return _draw("levels", (6.5, 2.8), paint)


def trouble_states(stats: "CohortStats", t: "Catalog") -> str | None:
    """The worst states as stacked bars: landmines, anger spikes, hang-ups and escalations."""
    if not stats.trouble:
        return None
    states = list(reversed(stats.trouble))  # the worst at the top

    def paint(fig: Figure) -> None:
        ax = fig.subplots()
        ys = range(len(states))
        left = [0] * len(states)
        for kind in ("landmines", "spikes", "lost"):
            values = [getattr(s, kind) for s in states]
            ax.barh(ys, values, left=left, color=COLOURS[kind], label=t(f"report.{_EVENT_KEYS[kind]}"))
            left = [a + b for a, b in zip(left, values)]
        ax.set_yticks(list(ys), [short(state_label(s, t), 48) for s in states])  # as the table names them
        ax.set_xlabel(t("report.events_axis"))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", visible=False)
        # Above the bars, where it can never hide one.
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False, fontsize=8)
        fig.tight_layout()

    return _draw("trouble", (9, 1.0 + 0.34 * len(states)), paint)


_EVENT_KEYS = {"landmines": "landmine_events", "spikes": "spike_events", "lost": "lost_events"}
