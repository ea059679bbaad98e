#!/usr/bin/env python3
"""Check reply-case YAML files against the labelling format and print statistics.

Usage: python3 docs/corpus/check_cases.py FILE_OR_DIR [...]
Exits 1 and lists every problem when a file breaks the format.
"""
import collections
import pathlib
import sys

import yaml

STAGES = {"venting", "cancel", "refund", "compensation", "inquiry", "closing"}
ACTIONS = {"cancel", "refund", "compensation", "fee_waiver", "explain_charges", "escalate", "callback"}
LANDMINES = {"threaten", "accuse", "argue", "retaliate", "defy", "dismiss", "deflect", "overpromise"}
POLICY_KEYS = {"allow", "forbid", "refund_max_months", "refund_max_amount", "compensation_max_amount"}
CASE_KEYS = {"id", "locale", "stage", "customer", "history", "facts", "policy", "reply", "expect", "industry", "tags"}


def files(args):
    for a in args:
        p = pathlib.Path(a)
        yield from (sorted(p.rglob("*.yaml")) if p.is_dir() else [p])


def check(paths):
    problems, ids = [], {}
    stats = collections.defaultdict(collections.Counter)
    n = 0
    for path in paths:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            problems.append(f"{path}: not valid YAML: {e}")
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
            problems.append(f"{path}: top level must be a mapping with a 'cases' list")
            continue
        for i, c in enumerate(doc["cases"]):
            where = f"{path}: case #{i + 1}"
            if not isinstance(c, dict):
                problems.append(f"{where}: not a mapping")
                continue
            cid = c.get("id")
            where = f"{path}: {cid or f'case #{i + 1}'}"
            if not cid:
                problems.append(f"{where}: missing id")
            elif cid in ids:
                problems.append(f"{where}: duplicate id (also in {ids[cid]})")
            else:
                ids[cid] = path.name
            for k in set(c) - CASE_KEYS:
                problems.append(f"{where}: unknown key {k!r}")
            if c.get("locale") not in ("zh", "en"):
                problems.append(f"{where}: locale must be zh or en")
            if c.get("stage") not in STAGES:
                problems.append(f"{where}: stage must be one of {sorted(STAGES)}")
            for k in ("customer", "reply"):
                if not isinstance(c.get(k), str) or not c.get(k).strip():
                    problems.append(f"{where}: {k} must be non-empty text")
            for h in c.get("history") or []:
                if not isinstance(h, dict) or h.get("speaker") not in ("customer", "agent") or not isinstance(h.get("text"), str):
                    problems.append(f"{where}: history items are {{speaker: customer|agent, text: ...}}")
            if c.get("facts") is not None and not isinstance(c.get("facts"), dict):
                problems.append(f"{where}: facts must be a mapping")
            pol = c.get("policy")
            if not isinstance(pol, dict) or not isinstance(pol.get("allow"), list):
                problems.append(f"{where}: policy must be a mapping with an allow list")
            else:
                for k in set(pol) - POLICY_KEYS:
                    problems.append(f"{where}: unknown policy key {k!r}")
                for a in (pol.get("allow") or []) + (pol.get("forbid") or []):
                    if a not in ACTIONS:
                        problems.append(f"{where}: unknown action {a!r}")
                for k in ("refund_max_months", "refund_max_amount", "compensation_max_amount"):
                    if k in pol and not isinstance(pol[k], (int, float)):
                        problems.append(f"{where}: {k} must be a number")
            e = c.get("expect")
            if not isinstance(e, dict):
                problems.append(f"{where}: missing expect")
                continue
            for k in ("listening", "empathy"):
                if e.get(k) not in (0, 1, 2):
                    problems.append(f"{where}: expect.{k} must be 0, 1 or 2")
            if e.get("policy") not in (0, 1):
                problems.append(f"{where}: expect.policy must be 0 or 1")
            lm = e.get("landmines")
            if not isinstance(lm, list) or set(lm) - LANDMINES:
                problems.append(f"{where}: expect.landmines must be a list of {sorted(LANDMINES)}")
                continue
            if lm and e.get("policy") != 0:
                problems.append(f"{where}: a case with landmines has policy 0")
            n += 1
            loc = c.get("locale")
            stats[loc]["cases"] += 1
            stats[loc]["stage:" + str(c.get("stage"))] += 1
            stats[loc]["industry:" + str(c.get("industry", "?"))] += 1
            for m in lm:
                stats[loc]["landmine:" + m] += 1
            if not lm:
                stats[loc]["no landmine"] += 1
            stats[loc][f"empathy:{e.get('empathy')}"] += 1
            stats[loc][f"listening:{e.get('listening')}"] += 1
            for t in c.get("tags") or []:
                stats[loc]["tag:" + str(t)] += 1
    return n, problems, stats


if __name__ == "__main__":
    n, problems, stats = check(list(files(sys.argv[1:])))
    for loc, counter in stats.items():
        print(f"[{loc}]")
        for k, v in sorted(counter.items()):
            print(f"  {k}: {v}")
    for p in problems:
        print("PROBLEM:", p)
    print(f"{n} valid cases, {len(problems)} problems")
    sys.exit(1 if problems else 0)
