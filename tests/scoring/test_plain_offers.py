"""An offer the policy allows, said plainly, is not hitting back; the same offer with a jibe is."""
import pytest

from scoring import Policy, score_reply
from tests.scoring.conftest import make_ctx

POLICY = Policy(allow=("cancel", "refund", "book_engineer"),
                extra_actions={"book_engineer": {"en": ("book an engineer",), "zh": ("预约工程师",)}})


@pytest.mark.parametrize("locale,reply", [
    ("en", "And I'll book an engineer to come and look at the line this week."),
    ("zh", "好的，我给您预约工程师，这周上门检查线路。"),
])
def test_a_plain_allowed_offer_at_the_close_is_not_retaliation(locale, reply):
    r = score_reply(reply, make_ctx(locale=locale, stage="closing", policy=POLICY))
    assert "retaliate" not in r.landmine_categories and r.policy.level == 1


@pytest.mark.parametrize("locale,reply", [
    ("zh", "行行行，给您取消了，这下满意了吧？"),
    ("en", "There, cancelled. Happy now? 🙄"),
])
def test_an_allowed_offer_with_a_jibe_is_still_retaliation(locale, reply):
    customer = "赶紧给我取消！" if locale == "zh" else "Just cancel it!"
    r = score_reply(reply, make_ctx(locale=locale, stage="cancel", policy=POLICY, customer=customer))
    assert "retaliate" in r.landmine_categories
