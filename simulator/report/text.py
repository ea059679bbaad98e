"""The cohort report as a terminal summary (`mystery-guest report --format text`): figures and
sparklines, no charts library needed."""
from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from simulator.scores import shown, shown_rate

if TYPE_CHECKING:
    from simulator.store.cohort_stats import CohortStats
    from simulator.tui.i18n import Catalog

BLOCKS = "▁▂▃▄▅▆▇█"
PROGRESS_WIDTH = 24  # the last this many attempts in a trainee's sparkline


def sparkline(values: Sequence[float], low: float | None = None, high: float | None = None) -> str:
    """One block character per value, from ▁ (low) to █ (high); low/high default to the values' range."""
    if not values:
        return ""
    low = min(values) if low is None else low
    high = max(values) if high is None else high
    span = high - low
    if span <= 0:
        return BLOCKS[len(BLOCKS) // 2] * len(values) if high > 0 or low != 0 else BLOCKS[0] * len(values)
    top = len(BLOCKS) - 1
    return "".join(BLOCKS[max(0, min(top, round((v - low) / span * top)))] for v in values)


def pct(x: float | None) -> str:
    return shown_rate(x)


def num(x: float | None) -> str:
    return shown(x)


def progress_line(values: Sequence[float]) -> str:
    """A trainee's overall scores on the 0-100 scale, the latest PROGRESS_WIDTH attempts."""
    return sparkline(list(values)[-PROGRESS_WIDTH:], 0, 100)


def state_label(s, t: "Catalog") -> str:
    """Where calls went wrong, as a trainer reads it: the scenario's title, the state, its stage
    in the report's language ("取消了还扣我三块钱 · doubted（谩骂宣泄）"); the id for older calls."""
    stage = t.get(f"stage.{s.stage}", s.stage) if s.stage else ""
    return f"{s.title or s.scenario_id} · {s.state}" + (t("report.state_stage", stage=stage) if stage else "")


def generated(stats: "CohortStats", t: "Catalog") -> str:
    """When the report was made and from how many calls; the calls outside the pass rate (skipped,
    abandoned, still going) named, so the two counts agree (trial 24)."""
    return t("report.generated", when=made_at(), calls=stats.calls, trainees=len(stats.trainees),
             others=stats.calls - stats.attempts)


def render_text(stats: "CohortStats", t: "Catalog") -> str:
    from simulator.store.commands import table

    dims = list(stats.histograms)
    lines = [t("report.title", cohort=stats.cohort), generated(stats, t), ""]
    lines.append(t("app.label", name=t("report.pass_rate")) + f"{pct(stats.pass_rate)} · " + passed_of(stats, t)
                 if stats.attempts else t("report.no_attempts"))
    lines.append(scores_source(stats, t))
    lines += ["", t("report.text_scores")]
    names = {d: t("report.overall") if d == "overall" else t(f"dim.{d}") for d in dims}
    rows = [[names[d], sparkline(stats.histograms[d], 0), t("report.text_mean", mean=num(stats.means[d]))]
            for d in dims]
    lines += ["  " + line for line in table(["", "", ""], rows).splitlines()[2:]]
    lines += ["", t("report.text_levels")]
    lines.append("  " + "  ".join(f"{n} {t(f'service.{n}')}: {c}" for n, c in enumerate(stats.service_levels)))
    lines.append("  " + sparkline(stats.service_levels, 0))

    lines += ["", t("report.trainees")]
    heads = [t("report.col_trainee"), t("report.col_calls"), t("report.col_passed"), t("report.col_pass_rate"),
             t("report.col_mean"), t("report.col_best_level"), t("report.col_landmines"), t("report.col_progress")]
    rows = [[r.name, r.attempts, r.passed, pct(r.pass_rate), num(r.mean_overall),
             "-" if r.best_level is None else r.best_level, sum(r.landmines.values()), progress_line(r.progress)]
            for r in stats.trainees]
    lines += ["  " + line for line in table(heads, rows, right={1, 2, 3, 4, 5, 6}).splitlines()]

    lines += ["", t("report.text_heatmap")]
    if stats.categories:
        heads = [t("report.col_trainee")] + [t.get(f"landmine.{c}", c) for c in stats.categories]
        rows = [[r.name] + [r.landmines.get(c, 0) or "·" for c in stats.categories] for r in stats.trainees]
        lines += ["  " + line for line in table(heads, rows, right=set(range(1, len(heads)))).splitlines()]
    else:
        lines.append("  " + t("report.no_landmines"))

    lines += ["", t("report.text_trouble")]
    if stats.trouble:
        rows = [[state_label(s, t), s.replies, s.landmines, s.spikes, s.lost] for s in stats.trouble]
        heads = [t("report.col_state"), t("report.col_replies"), t("report.landmine_events"),
                 t("report.spike_events"), t("report.lost_events")]
        lines += ["  " + line for line in table(heads, rows, right={1, 2, 3, 4}).splitlines()]
    else:
        lines.append("  " + t("report.no_trouble"))

    lines += ["", t("app.label", name=t("report.agreement")).rstrip()]
    lines += ["  " + line for line in agreement_lines(stats, t)]
    # Names and states are plain already (cohort_stats), and table() keeps each cell on one line.
    return "\n".join(line.rstrip() for line in lines) + "\n"


def passed_of(stats: "CohortStats", t: "Catalog") -> str:
    """How many calls passed, of how many attempts: completed and left, both said, so the count
    beside "Completed calls" adds up."""
    return t("report.passed_of", passed=stats.passed, attempts=stats.attempts, completed=stats.completed,
             left=stats.left, mark=stats.pass_mark)


def scores_source(stats: "CohortStats", t: "Catalog") -> str:
    """Which scores the figures are: the reviewed ones where a trainer reviewed the call (as on the
    leaderboard), the machine's elsewhere."""
    if stats.reviewed_calls:
        return t("report.scores_reviewed", n=stats.reviewed_calls)
    return t("report.scores_machine")


def agreement_lines(stats: "CohortStats", t: "Catalog") -> list[str]:
    """Reviewed vs machine, one line per dimension; one line saying there are none without reviews."""
    a = stats.agreement
    if a is None:
        return [t("report.no_reviews")]
    out = [t("report.agreement_note", n=a.reviewed_turns)]
    for dim, d in a.dimensions.items():
        share = d.same_level / d.turns if d.turns else None
        out.append(t("app.label", name=t(f"dim.{dim}")) + f"{pct(share)} ({d.same_level}/{d.turns})")
    return out


def made_at() -> str:
    """When the report was made, for its heading."""
    from simulator.store.store import utcnow

    return utcnow().strftime("%Y-%m-%d %H:%M")
