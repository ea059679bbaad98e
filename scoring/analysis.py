"""One pass over a reply: normalise it, split it into sentences and clauses, find lexicon hits.

Everything the detectors need is computed here once, in normalised-text coordinates;
`Analysis.span()` maps a normalised span back to the original reply for evidence.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Iterable

from scoring.lexicon import Lexicon, get_lexicon
from scoring.normalise import Normalised, normalise
from scoring.types import ReplyContext

# Sentence ends: . ! ? ; newline 。 — but not the dot inside "4.50".
_SENTENCE_END = re.compile(r"(?<!\d)\.(?!\d)|\.(?=\s)|[!?;\n。…]+")
# Clause breaks inside a sentence: commas, colons, dashes and contrast words.
# A comma between a digit and three more ("£1,200") groups thousands: no break. A space between
# two Chinese characters is a pause typed for a comma ("来电提醒已经取消了 其他扣费我查不了"): a break.
_CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))|[:，：、]|\s-\s|\b(?:but|however|although|though)\b|但是|不过|可是|但(?=[我您这])"
                           r"|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]{3,}")
_LATIN_RUN = re.compile(r"(?P<keep>[a-z0-9'][a-z0-9' .,!?%$£€-]*)|(?P<skip>[^a-z0-9']+)")
_CJK_RUN = re.compile(r"(?P<keep>[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef0-9]+)|(?P<skip>[^\u3000-\u303f\u4e00-\u9fff\uff00-\uffef0-9]+)")

# Lexicon families the scorer looks for (actions are separate).
FAMILIES = (
    "acknowledge", "listen_invite", "paraphrase_frame", "question_script", "question_confirm",
    "question_verify", "rhetorical", "rule_limit",
    "explain", "rule", "proactive", "close", "script", "upsell",
    "validate", "feeling", "apology_sincere", "apology", "formula", "politeness", "contrast",
    "threaten", "accuse", "argue", "retaliate", "defy", "dismiss", "deflect", "overpromise",
    "negation", "generic_refusal", "commitment", "desire", "all_charges", "complaint_log", "do_it",
    # context-dependent landmine words and their context (scoring/landmines.py)
    "argue_soft", "dismiss_soft", "sarcasm_soft", "sarcasm_cue", "soft_ok", "staff_id", "complaint_dare",
    "talk_about", "concede", "condition", "first_person",
)


@dataclass
class Analysis:
    reply: str
    ctx: ReplyContext
    lex: Lexicon
    norm: Normalised
    hits: dict[str, list[tuple[int, int]]]
    action_hits: dict[str, list[tuple[int, int]]]
    sentences: list[tuple[int, int]]
    clauses: list[tuple[int, int]]
    _sentence_starts: list[int] = field(default_factory=list)
    _clause_starts: list[int] = field(default_factory=list)
    _hit_starts: dict[str, list[int]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.norm.text

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original-reply span for a normalised span, trimmed to the words: no edge spaces, and no
        sentence mark a phrase matched before its first word ('. I'm so sorry' is quoted as "I'm
        so sorry"), unless the span is only marks ("!!!")."""
        s, e = self.norm.offsets.span(start, end)
        reply = self.reply
        while s < e and reply[s].isspace():
            s += 1
        while e > s and reply[e - 1].isspace():
            e -= 1
        lead = s
        while lead < e and (reply[lead] in _LEADING_MARKS or reply[lead].isspace()):
            lead += 1
        return (lead if lead < e else s), e

    def original(self, start: int, end: int) -> str:
        s, e = self.span(start, end)
        return self.reply[s:e]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        k = max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)
        return self.sentences[k] if self.sentences else (0, len(self.text))

    def clause_of(self, pos: int) -> tuple[int, int]:
        k = max(0, bisect.bisect_right(self._clause_starts, pos) - 1)
        return self.clauses[k] if self.clauses else (0, len(self.text))

    def clause_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._clause_starts, pos) - 1)

    def find_in(self, family: str, start: int, end: int) -> list[tuple[int, int]]:
        """Hits of `family` inside [start, end). Bisects sorted hits: no quadratic scans on long replies."""
        spans = self.hits.get(family)
        if not spans:
            return []
        starts = self._hit_starts.get(family)
        if starts is None:
            starts = self._hit_starts[family] = [s for s, _ in spans]
        i = bisect.bisect_left(starts, start)
        j = bisect.bisect_left(starts, end)
        return [(s, e) for s, e in spans[i:j] if e <= end]

    def any_in(self, family: str, start: int, end: int) -> bool:
        return bool(self.find_in(family, start, end))

    def count(self, family: str) -> int:
        return len(self.hits.get(family, ()))


def _split(text: str, pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in pattern.finditer(text, start, end):
        if m.end() > pos and text[pos:m.end()].strip():
            out.append((pos, m.end()))
        pos = m.end()
    if pos < end and text[pos:end].strip():
        out.append((pos, end))
    return out or [(start, end)]


def sentences(text: str) -> list[tuple[int, int]]:
    return _split(text, _SENTENCE_END)


def clauses(text: str, sents: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sents:
        pos = s
        for m in _CLAUSE_BREAK.finditer(text, s, e):
            if m.start() > pos and text[pos:m.start()].strip():
                out.append((pos, m.start()))
            pos = m.start() if m.group()[0].isalnum() or _CJK.match(m.group()) else m.end()
        if pos < e and text[pos:e].strip():
            out.append((pos, e))
    return out


def _collect(lex: Lexicon, text: str, hits: dict[str, list[tuple[int, int]]],
             actions: dict[str, list[tuple[int, int]]]) -> None:
    for family in FAMILIES:
        scan = lex.scans.get(family)
        if scan is None:
            continue
        found = scan.spans(text)
        if found:
            hits.setdefault(family, []).extend(found)
    for action, scan in lex.action_scans.items():
        found = scan.spans(text)
        if found:
            actions.setdefault(action, []).extend(found)


# Sentence marks a phrase may match before its first word ("(^|[,.;!?] *)im sorry"): not quoted.
_LEADING_MARKS = frozenset(",.;:!?，。；：！？、")

# Families that are discourse markers: "OK", "I see", "收到", "明白" acknowledge only where a
# clause begins ("Right, ..." but not "right now"; "收到了" but not "以后收到").
_MARKERS = ("acknowledge",)
_LEAD_IN = re.compile(r"[\s,，。.!！?？:：;；~～…、\-\"'“”‘’()（）]*(?:(?:oh|ah|um|well|so|and|ok|okay|yes|yeah|"
                      r"嗯+|哦+|噢|啊|好的?|是的?|对|那)[\s,，。.!！~～…、]*)*$", re.I)
# "right" as an intensifier ("right now", "right away", "right here") is an adverb, not "Right, ...".
_RIGHT_AS_ADVERB = re.compile(r"\s+(?:now|away|there|here|after|before|back|up|off|from|through|down|into|"
                              r"at the|in the|on (?:time|it|top))\b")


def _discourse_markers_only(hits: dict[str, list[tuple[int, int]]], text: str,
                            clause_spans: list[tuple[int, int]]) -> None:
    starts = [s for s, _ in clause_spans]
    for family in _MARKERS:
        spans = hits.get(family)
        if not spans:
            continue
        kept = []
        for s, e in spans:
            i = bisect.bisect_right(starts, s) - 1
            begin = starts[i] if i >= 0 else 0
            if _LEAD_IN.match(text[begin:s]) and not (text[s:e] == "right" and _RIGHT_AS_ADVERB.match(text, e)):
                kept.append((s, e))
        if kept:
            hits[family] = kept
        else:
            del hits[family]


def analyse(reply: str, ctx: ReplyContext) -> Analysis:
    """Normalise and segment `reply`, and collect the lexicon hits of its locale.

    Replies mix languages ("OK，我马上帮您cancel"), so when the reply contains the other
    locale's script we also run that locale's (built-in) lexicon over it.
    """
    locale = ctx.locale if ctx.locale in ("zh", "en") else "en"
    lex = get_lexicon(locale, ctx.lexicon_extra, ctx.policy.extra_actions)
    norm = normalise(reply, lex.typos)
    text = norm.text
    hits: dict[str, list[tuple[int, int]]] = {}
    action_hits: dict[str, list[tuple[int, int]]] = {}
    _collect(lex, text, hits, action_hits)
    other = "en" if locale == "zh" else "zh"
    needs_other = _LATIN_WORD.search(text) if other == "en" else _CJK.search(text)
    if needs_other:
        # The other locale's phrases can only match in its own script: the rest is blanked out
        # (offsets kept), so a Chinese reply with one English word does not pay for a full scan.
        keep = _LATIN_RUN if other == "en" else _CJK_RUN
        masked = "".join(m.group() if m.lastgroup == "keep" else " " * len(m.group())
                         for m in keep.finditer(text))
        _collect(get_lexicon(other, None, ctx.policy.extra_actions), masked, hits, action_hits)
        for spans in list(hits.values()) + list(action_hits.values()):
            spans.sort()
    sents = sentences(text)
    claus = clauses(text, sents)
    _discourse_markers_only(hits, text, claus)
    return Analysis(
        reply=reply, ctx=ctx, lex=lex, norm=norm, hits=hits, action_hits=action_hits,
        sentences=sents, clauses=claus,
        _sentence_starts=[s for s, _ in sents], _clause_starts=[s for s, _ in claus],
    )
