"""The trainer's last word, in the terminal: `mystery-guest review SESSION` sets their levels,
landmines and a note for turns of a recorded call (simulator/store/reviews.py), and
`mystery-guest cases export --reviewed` writes the reviewed turns as reply cases in the
labelling format (docs/labelling.md), for `mystery-guest eval` and `scorer train --extra`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable

from simulator.store.commands import DB_HELP, _concern_labels, _open, _run, _unknown_cohort

NONE_WORDS = ("none", "-", "no")  # what a trainer types for "no landmine"


# ---------------------------------------------------------------------------- review
def _base(turn: dict[str, Any], review) -> dict[str, Any]:
    """What a review starts from: the trainer's earlier review of the turn, else the machine's word."""
    if review is not None:
        return {"listening": review.listening, "empathy": review.empathy, "policy": review.policy,
                "landmines": list(review.landmines), "note": review.note}
    score = turn.get("score") or {}
    return {**{d: (score.get(d) or {}).get("level", 0) for d in ("listening", "empathy", "policy")},
            "landmines": list(dict.fromkeys(m["category"] for m in score.get("landmines", []))), "note": ""}


def _mines(words: list[str]) -> list[str]:
    return [w for w in words if w.lower() not in NONE_WORDS]


def _from_flags(turn: dict[str, Any], review, args) -> dict[str, Any]:
    """The flags over the base: a landmine or policy given alone decides the other (labelling rules)."""
    values = _base(turn, review)
    for dim in ("listening", "empathy"):
        if getattr(args, dim) is not None:
            values[dim] = getattr(args, dim)
    if args.landmine is not None:
        values["landmines"] = _mines(args.landmine)
        values["policy"] = args.policy  # None: 0 with a landmine, 1 without
    elif args.policy is not None:
        values["policy"] = args.policy
        if args.policy == 1:
            values["landmines"] = []  # the trainer says the reply keeps to policy: no landmine
    if args.note is not None:
        values["note"] = args.note
    return values


def _ask(prompt: str, default: str, read: Callable[[str], str]) -> str:
    answer = read(f"{prompt} [{default}]: ").strip()
    return answer or default


def _ask_level(name: str, default: int, top: int, read) -> int:
    while True:
        answer = _ask(name, str(default), read)
        if answer.isdigit() and 0 <= int(answer) <= top:
            return int(answer)
        print(f"  {name} is a level from 0 to {top}")


def _interactive(store, detail, reviewer: str, read: Callable[[str], str], tr=None) -> int:
    """Ask for turns to review until the trainer presses Enter on an empty line."""
    from scoring.types import MAX_LEVEL
    from simulator.store.reviews import ReviewError
    from simulator.store.transcript import render_turn_text

    replies = {t["index"] + 1: t for t in detail.turns if t["kind"] == "reply"}
    reviews = dict(detail.reviews)
    saved = 0
    while True:
        try:
            answer = read(f"turn to review ({', '.join(map(str, replies))}; Enter to finish): ").strip()
            if not answer:
                break
            if not answer.isdigit() or int(answer) not in replies:
                print(f"  no reply at turn {answer[:20]}")
                continue
            turn = replies[int(answer)]
            base = _base(turn, reviews.get(turn["index"]))
            levels = {d: _ask_level(d, base[d], MAX_LEVEL[d], read) for d in ("listening", "empathy")}
            mines = _mines(_ask("landmines (space-separated, or none)", " ".join(base["landmines"]) or "none",
                                read).replace(",", " ").split())
            policy = _ask_level("policy", 0 if mines else 1, MAX_LEVEL["policy"], read)
            note = _ask("note", base["note"], read)
        except EOFError:
            print()
            break
        try:
            review = store.save_review(detail.session.id, turn["index"], **levels, policy=policy, landmines=mines,
                                       note=note, reviewer=reviewer)
        except ReviewError as exc:
            print(f"  not saved: {exc}")
            continue
        reviews[turn["index"]] = review
        saved += 1
        print(render_turn_text(turn, detail.session.persona, review, _concern_labels(detail.session.scenario_id),
                               tr=tr))
    print(f"mystery-guest: {saved} review(s) saved for session {detail.session.id}", file=sys.stderr)
    return 0


@_run
def cmd_review(args) -> int:
    """Show a recorded call's turns and set a trainer's levels, landmines and note on some of them."""
    from simulator.store.recorder import login_name
    from simulator.store.reviews import ReviewError
    from simulator.store.transcript import catalog_of, render_text, render_turn_text

    with _open(args) as store:
        detail = store.session_detail(args.id)
        if detail is None:
            print(f"mystery-guest: no session {args.id} (list them with 'mystery-guest sessions')", file=sys.stderr)
            return 1
        tr = catalog_of(detail.session, getattr(args, "lang", None))  # the call's language, or --lang
        reviewer = args.reviewer if args.reviewer is not None else login_name()
        if args.turn is None:
            print(render_text(detail, _concern_labels(detail.session.scenario_id), tr))
            if not sys.stdin.isatty() or args.show:
                return 0
            return _interactive(store, detail, reviewer, input, tr)
        turn = next((t for t in detail.turns if t["index"] == args.turn - 1), None)
        if turn is None:
            print(f"mystery-guest: session {args.id} has no turn {args.turn} (it has {len(detail.turns)})",
                  file=sys.stderr)
            return 1
        values = _from_flags(turn, detail.reviews.get(turn["index"]), args)
        try:
            review = store.save_review(args.id, turn["index"], **values, reviewer=reviewer)
        except ReviewError as exc:
            print(f"mystery-guest: {exc}", file=sys.stderr)
            return 2
    print(render_turn_text(turn, detail.session.persona, review, _concern_labels(detail.session.scenario_id), tr=tr))
    return 0


# ---------------------------------------------------------------------------- cases export
def reply_case(row, turn: dict[str, Any], earlier: list[dict[str, Any]], review, scenario) -> dict[str, Any]:
    """A reviewed turn as a reply case (docs/labelling.md): the context the scorer saw in the call
    (stage, the caller's line, the call so far, the scenario's facts, policy and trainer phrases)
    and the trainer's labels as `expect`."""
    history = [{"speaker": "customer", "text": row.opening}]
    for t in earlier:
        if t["kind"] == "reply":
            history.append({"speaker": "agent", "text": t["reply"]})
        if t.get("customer_line") and not t.get("ending"):
            history.append({"speaker": "customer", "text": t["customer_line"]})
    case: dict[str, Any] = {
        "id": f"review-s{row.id}-t{turn['index'] + 1}", "locale": row.locale, "stage": turn["stage"],
        "customer": turn.get("customer_before", ""), "history": history,
    }
    if scenario is not None:
        policy = scenario.policy
        case["facts"] = dict(scenario.facts)
        case["policy"] = {k: v for k, v in {
            "allow": list(policy.allow), "forbid": list(policy.forbid),
            "refund_max_months": policy.refund_max_months, "refund_max_amount": policy.refund_max_amount,
            "compensation_max_amount": policy.compensation_max_amount,
            "extra_actions": dict(policy.actions)}.items() if v}
        if scenario.lexicon_extra():
            case["lexicon_extra"] = scenario.lexicon_extra()
    if turn.get("interrupted"):
        case["interrupted"] = True
    case["reply"] = turn["reply"]
    case["expect"] = {"listening": review.listening, "empathy": review.empathy, "policy": review.policy,
                      "landmines": list(review.landmines)}
    case["source"] = {"session": row.id, "turn": turn["index"] + 1, "scenario": row.scenario_id,
                      "reviewer": review.reviewer, "reviewed_at": review.reviewed_at.isoformat() + "Z"}
    if review.note:
        case["source"]["note"] = review.note
    return case


@_run
def cmd_cases_export(args) -> int:
    """Write the reviewed turns of the store (or one cohort) as reply cases."""
    import yaml

    from simulator.loader import load_library

    if not args.reviewed:
        print("mystery-guest: cases export writes reviewed turns (the trainer's labels): add --reviewed",
              file=sys.stderr)
        return 2
    with _open(args) as store:
        rows = store.sessions(args.cohort)
        if not rows and args.cohort is not None and args.cohort not in store.cohorts():
            return _unknown_cohort(store, args.cohort)
        reviews = store.reviews(r.id for r in rows)
        turns = store.turns_for(sorted(reviews))
    library = {sc.id: sc for sc in load_library(args.scenarios)[0]}
    cases, missing = [], set()
    for row in sorted((r for r in rows if r.id in reviews), key=lambda r: r.id):
        scenario = library.get(row.scenario_id)
        if scenario is None:
            missing.add(row.scenario_id)  # the case still goes out, without facts and policy
        for i, turn in enumerate(turns[row.id]):
            review = reviews[row.id].get(turn["index"])
            if review is not None and turn["kind"] == "reply":
                cases.append(reply_case(row, turn, turns[row.id][:i], review, scenario))
    header = (f"# Reply cases from trainers' reviews (mystery-guest cases export --reviewed"
              f"{' --cohort ' + args.cohort if args.cohort else ''}): {len(cases)} case(s).\n"
              "# Format: docs/labelling.md. Measure with 'mystery-guest eval FILE'; teach the scorer with\n"
              "# 'mystery-guest scorer train --extra FILE'.\n")
    text = header + yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False, width=100)
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"mystery-guest: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for sid in sorted(missing):
        print(f"mystery-guest: warning: scenario '{sid}' is not in the library: its cases have no facts "
              "or policy (pass --scenarios DIR)", file=sys.stderr)
    print(f"mystery-guest: wrote {len(cases)} reviewed case(s) to {args.output}", file=sys.stderr)
    return 0


def register(sub) -> None:
    """Add `review` and `cases` to the `mystery-guest` parser."""
    rv = sub.add_parser("review", help="a trainer's levels, landmines and note for turns of a recorded call",
                        description="Show a recorded call's turns with the machine's levels and reasons. "
                                    "With --turn, store your review of that turn (levels not given stay as "
                                    "they were); without, review turns by answering questions.")
    rv.add_argument("id", type=int, help="session id (from 'mystery-guest sessions')")
    rv.add_argument("--turn", type=int, metavar="N", help="the turn to review (1 = the first reply)")
    rv.add_argument("--listening", type=int, choices=[0, 1, 2])
    rv.add_argument("--empathy", type=int, choices=[0, 1, 2])
    rv.add_argument("--policy", type=int, choices=[0, 1],
                    help="1 keeps to policy, 0 breaks it (a landmine means 0)")
    rv.add_argument("--landmine", action="append", metavar="CATEGORY",
                    help="a landmine the reply holds (repeatable; 'none' for none): threaten, accuse, argue, "
                         "retaliate, defy, dismiss, deflect, overpromise")
    rv.add_argument("--note", help="what the trainee should read beside the turn")
    rv.add_argument("--reviewer", metavar="NAME", help="who reviews (default: your login name)")
    rv.add_argument("--show", action="store_true", help="only show the call and its reviews")
    rv.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS,
                    help="language of the call's labels (default: the call's)")
    rv.add_argument("--db", metavar="URL", help=DB_HELP)
    rv.set_defaults(func=cmd_review)

    cases = sub.add_parser("cases", help="'cases export --reviewed': reviewed turns as reply cases for eval "
                                         "and scorer training")
    csub = cases.add_subparsers(dest="cases_command", metavar="COMMAND", required=True)
    ex = csub.add_parser("export", help="write reviewed turns as reply cases (docs/labelling.md)")
    ex.add_argument("--reviewed", action="store_true", help="the turns trainers reviewed (required)")
    ex.add_argument("--cohort", help="only this cohort (default: every cohort)")
    ex.add_argument("--scenarios", metavar="DIR", help="scenario folder the calls came from (default: the bundled "
                                                       "library), for each case's facts and policy")
    ex.add_argument("--output", "-o", metavar="FILE", required=True, help="the YAML file to write")
    ex.add_argument("--db", metavar="URL", help=DB_HELP)
    ex.set_defaults(func=cmd_cases_export)
