from scoring.normalise import normalise, to_simplified


def test_traditional_to_simplified_keeps_length():
    text = "對不起，這個費用我們馬上幫您退還"
    n = normalise(text)
    assert n.text == "对不起,这个费用我们马上帮您退还"
    assert len(n.text) == len(text)
    assert to_simplified("還錢") == "还钱"


def test_full_width_and_case():
    assert normalise("ＯＫ！Ｓｏｒｒｙ？").text == "ok!sorry?"


def test_apostrophes_dropped_with_offset_map():
    text = "I can't, I won’t."
    n = normalise(text)
    assert n.text == "i cant, i wont."
    start = n.text.index("wont")
    s, e = n.offsets.span(start, start + 4)
    assert text[s:e] == "won’t"[: e - s] and text[s] == "w"
    assert text[n.offsets.span(0, len(n.text))[0]:n.offsets.span(0, len(n.text))[1]] == text


def test_a_chinese_input_slip_is_read_as_the_word_it_was_meant_to_be_and_quoted_as_typed():
    from scoring.lexicon import get_lexicon

    text = "真报歉，系统凌晨才处里完"
    n = normalise(text, get_lexicon("zh").typos)
    assert n.text == "真抱歉,系统凌晨才处理完"
    i = n.text.index("处理")
    assert text[slice(*n.offsets.span(i, i + 2))] == "处里"
    for word in ("到办事处里办理", "放在住处里了"):  # 处里 inside real words is left alone
        assert normalise(word, get_lexicon("zh").typos).text == word


def test_typo_fixed_and_mapped_back():
    text = "It will definately arrive"
    n = normalise(text, {"definately": "definitely"})
    assert "definitely" in n.text
    i = n.text.index("definitely")
    s, e = n.offsets.span(i, i + len("definitely"))
    assert text[s:e].startswith("definat")
