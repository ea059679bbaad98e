"""Contract-level behaviour of score_reply: bands, spans, determinism, size, imports."""
import ast
import pathlib

import pytest

from scoring import DimensionScore, ReplyScore, score_reply
from scoring.rubric import BANDS
from tests.scoring.conftest import make_ctx

REPLIES = [
    ("en", "So after six years it failed once and there's a £12 penalty — I'd be livid too. What date was it?"),
    ("en", "Calm down. If it bounced, the money wasn't there."),
    ("zh", "六年都没出过错，偏偏这次扣款失败还罚了12块，换谁都生气。是哪天扣的？"),
    ("zh", "您先冷静，扣不上就是您卡里没钱。"),
    ("zh", "對不起，這個費用我馬上幫您退還一個月。"),
]


@pytest.mark.parametrize("locale,reply", REPLIES)
def test_scores_consistent_with_levels(locale, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage="venting", customer="It failed and you charged me £12!"))
    assert isinstance(r, ReplyScore)
    for dim in ("listening", "empathy"):
        d: DimensionScore = r.dimension(dim)
        low, high = BANDS[d.level]
        assert low <= d.score <= high
    assert r.policy.score == (100 if r.policy.level == 1 else 0)


@pytest.mark.parametrize("locale,reply", REPLIES)
def test_evidence_spans_index_the_original_reply(locale, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage="refund", customer="退钱！"))
    for dim in ("listening", "empathy", "policy"):
        for e in r.dimension(dim).evidence:
            assert 0 <= e.start <= e.end <= len(reply)
            assert e.reason and e.effect in "+-"
    for h in r.landmines:
        assert 0 <= h.start < h.end <= len(reply)


def test_traditional_span_points_at_original_characters():
    reply = "真的很對不起，讓您白等了。"
    r = score_reply(reply, make_ctx(locale="zh", stage="venting", customer="等了一天！"))
    spans = [reply[e.start:e.end] for e in r.empathy.evidence if e.start < e.end]
    assert any("對不起" in s for s in spans)


def test_reasons_in_the_reply_locale():
    zh = score_reply("您先冷静一下。", make_ctx(locale="zh", customer="气死我了！"))
    en = score_reply("Calm down.", make_ctx(customer="I'm furious!"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.landmines[0].reason)
    assert en.landmines[0].reason.isascii()


def test_deterministic():
    ctx = make_ctx(locale="zh", stage="refund", customer="退钱！")
    a = score_reply("我给您退一个月的费用。", ctx).to_dict()
    b = score_reply("我给您退一个月的费用。", ctx).to_dict()
    assert a == b


def test_empty_reply():
    r = score_reply("", make_ctx(customer="Hello?"))
    assert r.listening.level == 0 and r.policy.level == 1


def test_a_100kb_reply_is_scored_with_evidence_not_refused():
    # Its speed is measured in benchmarks/bench_scoring.py, not asserted here.
    reply = ("I understand, let me check the charge for you. " * 2200)[:100_000]
    en = score_reply(reply, make_ctx(stage="inquiry", customer="Why this charge?"))
    zh = score_reply(("我理解您的心情，我帮您查一下这笔扣费。" * 5000)[:100_000],
                     make_ctx(locale="zh", stage="inquiry", customer="为什么扣费？"))
    for r in (en, zh):
        assert r.policy.level == 1 and r.empathy.level >= 1


def test_scoring_never_imports_simulator_or_textual():
    root = pathlib.Path(__file__).resolve().parents[2] / "scoring"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.split(".")[0] in ("simulator", "textual"), f"{path} imports {name}"


@pytest.mark.parametrize("stage, cap", [("venting", 0), ("inquiry", 1)])
def test_a_reply_sent_over_the_caller_keeps_the_interruption_cap_whatever_the_model_reads(stage, cap):
    """Trial 18's own session: "(you talked over the caller: listening marked down)" beside
    "Listening 2/2": the model reads the words, not when they came. The rules' cap stands."""
    from scoring import ReplyContext, score_reply

    customer = ("I want to complain about your app. We've got four phones on one data plan and there is no "
                "way, none, to see who's using what.")
    reply = "I'm so sorry, Ms Dunn. I'll add 20GB of free data to your account today."
    calm = score_reply(reply, ReplyContext(locale="en", stage=stage, customer=customer))
    over = score_reply(reply, ReplyContext(locale="en", stage=stage, customer=customer, interrupted=True))
    assert calm.listening.level > cap  # the model's own reading, which the interruption must not keep
    assert over.listening.level == cap and "interrupted" in {e.label for e in over.listening.evidence}
