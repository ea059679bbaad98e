"""`mystery-guest eval CASES.yaml [--json OUT]`: agreement of the scorer with trainers' labels.

Scores every reply case (format: shared/scoring/LABELING.md) and prints, per locale and
overall, quadratic weighted kappa and exact agreement for listening and empathy,
precision/recall/F1 for detecting policy = 0, and micro P/R/F1 over landmine categories;
then the worst disagreements with the scorer's evidence. Each metric uses only the cases
whose `expect` has its key. Bad input -> one clear line on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Sequence

import yaml

from scoring.metrics import exact_agreement, landmine_micro_prf, quadratic_weighted_kappa, violation_prf
from scoring.scorer import score_reply
from scoring.types import LANDMINES, STAGES, Policy, ReplyContext, ReplyScore, Turn


class CaseError(Exception):
    """A reply-case file that cannot be evaluated; the message is one line for the user."""


def load_cases(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CaseError(f"{path}{where}: error: broken YAML: {problem}") from None
    cases = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(cases, list):
        raise CaseError(f"{path}: error: expected a top-level 'cases:' list")
    for i, case in enumerate(cases, 1):
        name = f"case {i}" + (f" ({case.get('id')})" if isinstance(case, dict) and case.get("id") else "")
        if not isinstance(case, dict):
            raise CaseError(f"{path}: error: {name} is not a mapping")
        if not isinstance(case.get("reply"), str):
            raise CaseError(f"{path}: error: {name} has no 'reply' text")
        if case.get("locale") not in ("zh", "en"):
            raise CaseError(f"{path}: error: {name} needs 'locale: zh' or 'locale: en'")
        if case.get("stage", "inquiry") not in STAGES:
            raise CaseError(f"{path}: error: {name} has unknown stage {case.get('stage')!r}")
        if case.get("expect") is not None and not isinstance(case.get("expect"), dict):
            raise CaseError(f"{path}: error: {name} 'expect' must be a mapping")
        case.setdefault("id", f"case-{i}")
    return cases


def context_of(case: dict[str, Any]) -> ReplyContext:
    history = tuple(
        Turn("agent" if t.get("speaker") == "agent" else "customer", str(t.get("text", "")))
        for t in case.get("history") or () if isinstance(t, dict)
    )
    return ReplyContext(
        locale=case["locale"], stage=case.get("stage", "inquiry"), customer=str(case.get("customer") or ""),
        history=history, facts=case.get("facts") or {}, policy=Policy.from_dict(case.get("policy")),
        interrupted=bool(case.get("interrupted", False)), lexicon_extra=case.get("lexicon_extra"),
    )


def compute_metrics(cases: Sequence[dict[str, Any]], scores: Sequence[ReplyScore]) -> dict[str, Any]:
    """Agreement metrics over the cases that carry each `expect` key."""
    out: dict[str, Any] = {}
    for dim in ("listening", "empathy"):
        pairs = [(c["expect"][dim], s.dimension(dim).level) for c, s in zip(cases, scores)
                 if isinstance(c.get("expect"), dict) and dim in c["expect"]]
        exp, pred = [p[0] for p in pairs], [p[1] for p in pairs]
        out[dim] = {"n": len(pairs), "qwk": quadratic_weighted_kappa(exp, pred, (0, 1, 2)),
                    "exact": exact_agreement(exp, pred)}
    pairs = [(c["expect"]["policy"], s.policy.level) for c, s in zip(cases, scores)
             if isinstance(c.get("expect"), dict) and "policy" in c["expect"]]
    out["policy"] = {"n": len(pairs), **violation_prf([p[0] for p in pairs], [p[1] for p in pairs])}
    pairs = [(c["expect"]["landmines"] or [], s.landmine_categories) for c, s in zip(cases, scores)
             if isinstance(c.get("expect"), dict) and "landmines" in c["expect"]]
    out["landmines"] = {"n": len(pairs), **landmine_micro_prf([p[0] for p in pairs], [p[1] for p in pairs])}
    return out


def _disagreement(case: dict[str, Any], score: ReplyScore) -> float:
    exp = case.get("expect") or {}
    total = 0.0
    for dim in ("listening", "empathy"):
        if dim in exp:
            total += abs(exp[dim] - score.dimension(dim).level)
    if "policy" in exp:
        total += 2 * abs(exp["policy"] - score.policy.level)
    if "landmines" in exp:
        total += 0.5 * len(set(exp["landmines"] or []) ^ set(score.landmine_categories))
    return total


def _fmt(x: float) -> str:
    return "  n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:5.2f}"


def _print_metrics(name: str, m: dict[str, Any]) -> None:
    lis, emp, pol, mines = m["listening"], m["empathy"], m["policy"], m["landmines"]
    print(f"{name:8} listening QWK {_fmt(lis['qwk'])} exact {_fmt(lis['exact'])} (n={lis['n']})  "
          f"empathy QWK {_fmt(emp['qwk'])} exact {_fmt(emp['exact'])} (n={emp['n']})")
    print(f"{'':8} policy=0 P {_fmt(pol['precision'])} R {_fmt(pol['recall'])} F1 {_fmt(pol['f1'])} (n={pol['n']})  "
          f"landmines micro P {_fmt(mines['precision'])} R {_fmt(mines['recall'])} F1 {_fmt(mines['f1'])}")


def _print_worst(cases: Sequence[dict[str, Any]], scores: Sequence[ReplyScore], limit: int) -> None:
    ranked = sorted(((d, i) for i, (c, s) in enumerate(zip(cases, scores)) if (d := _disagreement(c, s)) > 0),
                    key=lambda t: (-t[0], t[1]))[:limit]
    if not ranked:
        return
    print(f"\nworst disagreements (up to {limit}):")
    for _, i in ranked:
        c, s = cases[i], scores[i]
        exp = c.get("expect") or {}
        got = {"listening": s.listening.level, "empathy": s.empathy.level, "policy": s.policy.level,
               "landmines": list(s.landmine_categories)}
        diffs = [f"{k} {exp[k]}->{got[k]}" for k in ("listening", "empathy", "policy", "landmines")
                 if k in exp and (sorted(exp[k] or []) != sorted(got[k]) if k == "landmines" else exp[k] != got[k])]
        reply = c["reply"].replace("\n", " ")
        print(f"- {c['id']} [{c.get('stage')}] {'; '.join(diffs)}")
        print(f"    reply: {reply[:160]}{'...' if len(reply) > 160 else ''}")
        for dim in ("listening", "empathy", "policy"):
            reasons = [f"{e.effect}{e.reason}" for e in s.dimension(dim).evidence][:4]
            if reasons:
                print(f"    {dim}: " + " | ".join(reasons))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mystery-guest eval",
        description="Score a reply-case file and print agreement with the trainers' labels.")
    parser.add_argument("cases", type=Path, help="reply-case YAML file (see LABELING.md)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write per-case scores and metrics as JSON")
    parser.add_argument("--worst", type=int, default=10, metavar="N", help="how many disagreements to show (10)")
    parser.add_argument("--scorer", choices=sorted(SCORERS), default="hybrid",
                        help="hybrid: the product's scorer (default); rules: the phrase rules alone; "
                             "length: the length-only baseline (reply length and nothing else)")
    args = parser.parse_args(argv)
    scorer = SCORERS[args.scorer]()
    try:
        cases = load_cases(args.cases)
        scores = [scorer(c["reply"], context_of(c)) for c in cases]
    except CaseError as exc:
        print(f"mystery-guest eval: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:  # e.g. a malformed policy or lexicon_extra
        print(f"mystery-guest eval: {args.cases}: error: {exc}", file=sys.stderr)
        return 2

    metrics: dict[str, Any] = {}
    for locale in sorted({c["locale"] for c in cases}):
        idx = [i for i, c in enumerate(cases) if c["locale"] == locale]
        metrics[locale] = compute_metrics([cases[i] for i in idx], [scores[i] for i in idx])
        _print_metrics(locale, metrics[locale])
    metrics["overall"] = compute_metrics(cases, scores)
    _print_metrics("overall", metrics["overall"])
    _print_worst(cases, scores, args.worst)

    if args.json:
        payload = {
            "cases": [
                {"id": c["id"], "locale": c["locale"],
                 **{d: {"score": s.dimension(d).score, "level": s.dimension(d).level} for d in ("listening", "empathy", "policy")},
                 "landmines": list(s.landmine_categories), "acts": list(s.acts)}
                for c, s in zip(cases, scores)
            ],
            "metrics": _json_safe(metrics),
        }
        try:
            args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            print(f"mystery-guest eval: cannot write {args.json}: {exc}", file=sys.stderr)
            return 2
    return 0


def _length_scorer():
    """The baseline every model figure is reported beside: levels and landmines from reply
    length alone, fitted on the same training cases (stored in the model file)."""
    import math

    from scoring.model import load_model
    from scoring.rubric import dimension, policy_dimension
    from scoring.types import LANDMINES, LandmineHit

    def score(reply: str, ctx: ReplyContext) -> ReplyScore:
        model = load_model(ctx.locale)
        if model is None:
            raise ValueError(f"no shipped {ctx.locale} model, so no length baseline")
        heads = model.baseline["heads"]
        x = [math.log1p(len(reply)), math.log1p(len(reply.split()))]

        def logits(head):
            h = heads[head]
            return [b + sum(xi * wi for xi, wi in zip(x, w)) for w, b in zip(h["coef"], h["intercept"])]

        levels = {h: max(range(3), key=logits(h).__getitem__) for h in ("listening", "empathy")}
        mines = tuple(LandmineHit(c, 0, 0, "length") for c in LANDMINES if logits(c)[0] > 0)
        return ReplyScore(dimension(levels["listening"], []), dimension(levels["empathy"], []),
                          policy_dimension(0 if mines else 1, []), landmines=mines)

    return score


def _rules_scorer():
    from scoring.scorer import score_rules

    return score_rules


SCORERS = {"hybrid": lambda: score_reply, "rules": _rules_scorer, "length": _length_scorer}


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


assert set(LANDMINES)  # the categories eval compares against (types.LANDMINES)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
