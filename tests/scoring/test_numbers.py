"""Chinese numerals as people say and type them, checked against the values cn2an gives."""
import pytest

from scoring.numbers import find_numbers, parse_zh


@pytest.mark.parametrize("numeral, value", [
    ("五", 5), ("十", 10), ("十五", 15), ("二十", 20), ("两百", 200), ("一百五", 150), ("一百零五", 105),
    ("两千三", 2300), ("一千零一", 1001), ("一万二", 12000), ("三万五千", 35000), ("一万零五百", 10500),
    ("三点五", 3.5), ("零点五", 0.5), ("一点五万", 15000), ("半", 0.5),
])
def test_spoken_chinese_numerals_have_their_real_value(numeral, value):
    assert parse_zh(numeral) == value


def test_words_that_only_look_like_numerals_are_not_numbers():
    assert parse_zh("几") is None and parse_zh("十几") is None
    assert find_numbers("我一直在等，您稍等一下", {}) == []


def test_amounts_in_a_reply_are_found_with_their_spans():
    text = "退您三点五个月，再给一百五块"
    assert [(v, text[s:e]) for v, s, e in find_numbers(text, {})] == [(3.5, "三点五"), (150.0, "一百五")]
