"""The cohort report as one self-contained HTML page: inline CSS and inline SVG charts, no script,
nothing fetched from anywhere, so it opens offline and can be mailed as a single file.

Every name and text from the store goes through plain() (cohort_stats already did) and then
html.escape(); chart labels are escaped by matplotlib's SVG writer.
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

from simulator.plaintext import plain
from simulator.report import charts
from simulator.report.text import PROGRESS_WIDTH, num, passed_of, pct, progress_line, scores_source, state_label
from simulator.store.cohort_stats import ANGER_SPIKE

if TYPE_CHECKING:
    from simulator.store.cohort_stats import CohortStats
    from simulator.tui.i18n import Catalog

CSS = """
body{font-family:"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
  margin:0;background:#f6f7f9;color:#1d1f24;line-height:1.45}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.15rem;margin:0 0 4px}
.sub,.note{color:#5b6270;font-size:.9rem;margin:0 0 12px}
section{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:16px 20px;margin:18px 0}
.cards{display:flex;flex-wrap:wrap;gap:14px;margin:18px 0}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:12px 18px;min-width:150px;flex:1}
.card b{display:block;font-size:1.9rem;color:#0b4f8a}.card span{color:#5b6270;font-size:.85rem}
svg.chart{width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:5px 8px;border-bottom:1px solid #eceef2;text-align:left;vertical-align:top}
th{color:#5b6270;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.name{overflow-wrap:anywhere;max-width:320px}.spark{font-family:monospace;letter-spacing:-1px;color:#0072B2}
.empty{color:#5b6270;font-style:italic}
"""


def esc(value: object) -> str:
    """Any value as HTML text: plain (no control or bidi characters), then escaped."""
    return html.escape(plain(str(value), lines=False), quote=True)


def render_html(stats: "CohortStats", t: "Catalog", lang: str) -> str:
    """The whole page."""
    from simulator.report.text import generated

    title = t("report.title", cohort=stats.cohort)
    parts = [
        "<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No script, no outside resource: the page is data only.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        f"<title>{esc(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body><main>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="sub">{esc(generated(stats, t))}</p>',
        f'<p class="sub" id="scores-source">{esc(scores_source(stats, t))}</p>',
        _cards(stats, t),
        _section("scores", t("report.scores"), t("report.scores_note", mark=stats.pass_mark),
                 charts.score_distributions(stats, t) or _empty(t("report.no_progress"))),
        _section("trainees", t("report.trainees"), None, _trainee_table(stats, t)),
        _section("landmines", t("report.heatmap"), t("report.heatmap_note"),
                 charts.landmine_heatmap(stats, t) or _empty(t("report.no_landmines"))),
        _section("progress", t("report.progress"), t("report.progress_note", mark=stats.pass_mark),
                 charts.progress(stats, t) or _empty(t("report.no_progress"))),
        _section("service-levels", t("report.levels"), t("report.levels_note"),
                 charts.service_levels(stats, t) or _empty(t("report.no_progress"))),
        _section("trouble", t("report.trouble"), t("report.trouble_note", spike=ANGER_SPIKE),
                 (charts.trouble_states(stats, t) or "") + _trouble_table(stats, t)
                 if stats.trouble else _empty(t("report.no_trouble"))),
        _agreement_section(stats, t),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _section(anchor: str, heading: str, note: str | None, body: str) -> str:
    note_html = f'<p class="note">{esc(note)}</p>' if note else ""
    return f'<section id="{anchor}"><h2>{esc(heading)}</h2>{note_html}{body}</section>'


def _empty(text: str) -> str:
    return f'<p class="empty">{esc(text)}</p>'


def _cards(stats: "CohortStats", t: "Catalog") -> str:
    per_call = stats.completed_landmines / stats.completed if stats.completed else None  # as the leaderboard
    cards = [
        (pct(stats.pass_rate), t("report.pass_rate"),
         passed_of(stats, t) if stats.attempts else t("report.no_attempts")),
        (num(stats.means["overall"]), t("report.mean_overall"), ""),
        (str(stats.completed), t("report.completed_calls"), ""),
        ("-" if per_call is None else f"{per_call:.2f}", t("report.landmines_per_call"), ""),
    ]
    return '<div class="cards" id="figures">' + "".join(
        f'<div class="card"><b>{esc(value)}</b><span>{esc(label)}</span>'
        + (f'<br><span>{esc(detail)}</span>' if detail else "") + "</div>"
        for value, label, detail in cards) + "</div>"


def _table(heads: list[tuple[str, bool]], rows: list[list[tuple[object, str]]]) -> str:
    """heads: (text, numeric); each cell: (value, css class)."""
    head = "".join(f'<th class="n">{esc(h)}</th>' if n else f"<th>{esc(h)}</th>" for h, n in heads)
    body = "".join("<tr>" + "".join(f'<td class="{c}">{esc(v)}</td>' if c else f"<td>{esc(v)}</td>"
                                    for v, c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _trainee_table(stats: "CohortStats", t: "Catalog") -> str:
    heads = [(t("report.col_trainee"), False), (t("report.col_calls"), True), (t("report.col_passed"), True),
             (t("report.col_pass_rate"), True), (t("report.col_mean"), True), (t("report.col_best_level"), True),
             (t("report.col_landmines"), True), (t("report.col_progress_last", n=PROGRESS_WIDTH), False)]
    rows = []
    for r in stats.trainees:
        # level 0's name carries its explanation, too long for a table cell (trial 29): the short one
        name = t("report.level_none") if r.best_level == 0 else t(f"service.{r.best_level}")
        level = "-" if r.best_level is None else f"{r.best_level} {name}"
        rows.append([(r.name, "name"), (r.attempts, "n"), (r.passed, "n"), (pct(r.pass_rate), "n"),
                     (num(r.mean_overall), "n"), (level, "n"), (sum(r.landmines.values()), "n"),
                     (progress_line(r.progress), "spark")])
    return _table(heads, rows)


def _trouble_table(stats: "CohortStats", t: "Catalog") -> str:
    heads = [(t("report.col_state"), False), (t("report.col_replies"), True), (t("report.landmine_events"), True),
             (t("report.spike_events"), True), (t("report.lost_events"), True)]
    return _table(heads, [[(state_label(s, t), "name"), (s.replies, "n"), (s.landmines, "n"),
                           (s.spikes, "n"), (s.lost, "n")] for s in stats.trouble])


def _agreement_section(stats: "CohortStats", t: "Catalog") -> str:
    """Trainer review vs machine: the figures when the cohort has reviews, else one line saying so."""
    a = stats.agreement
    if a is None:
        return _section("agreement", t("report.agreement"), None, _empty(t("report.no_reviews")))
    heads = [(t("report.col_dimension"), False), (t("report.col_reviewed"), True), (t("report.col_same"), True),
             (t("report.col_agreement"), True)]
    rows = [[(t(f"dim.{dim}"), ""), (d.turns, "n"), (d.same_level, "n"),
             (pct(d.same_level / d.turns if d.turns else None), "n")] for dim, d in a.dimensions.items()]
    return _section("agreement", t("report.agreement"), t("report.agreement_note", n=a.reviewed_turns),
                    _table(heads, rows))
