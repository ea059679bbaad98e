"""The loader reports every problem with the position the parser gave, and never runs code."""
from __future__ import annotations

import pytest

from simulator.loader import check_file, check_text
from tests.engine.conftest import MINI


def problems(text: str) -> list[str]:
    sc, diags = check_text(text, "s.yaml")
    return [str(d) for d in diags]


def line_of(text: str, needle: str) -> int:
    return next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)


def test_mini_is_clean():
    assert problems(MINI) == []


def test_unknown_target_with_true_position_and_suggestion():
    text = MINI.replace("- to: cancel", "- to: cancle")
    line = line_of(text, "to: cancle")
    col = text.splitlines()[line - 1].index("cancle") + 1
    assert f"s.yaml:{line}:{col}: error: transition from 'venting' goes to unknown state 'cancle' " \
           f"(did you mean 'cancel'?)" in problems(text)


def test_a_story_naming_an_outcome_instead_of_an_ending_is_told_which_endings_have_it():
    """Trial 23: 'resolved' is an outcome; the endings were called sorted, escalated and hung_up."""
    text = MINI.replace("- to: resolved\n", "- to: sorted\n").replace("  resolved: {outcome", "  sorted: {outcome")
    assert any("story 'good' expects unknown ending 'resolved' ('resolved' is an outcome; the endings with it: "
               "sorted)" in p for p in problems(text.replace("[venting, cancel, resolved]", "[venting, cancel, sorted]")))
    assert any("expects unknown ending 'zzz' (the endings: sorted, escalated, hung_up)" in p
               for p in problems(text.replace("ending: resolved", "ending: zzz")))


def test_problems_are_listed_in_the_file_s_order():
    """Trial 23: lint had listed one file's problems at lines 75, 27, 67, 81 (check by check)."""
    text = (MINI.replace("- to: cancel\n", "- to: cancle\n").replace("allow: [cancel, refund]", "allow: [cancel, refunds]")
                .replace("landmine: [threaten, defy]", "landmine: [threaten, dfy]").replace("stage: cancel", "stage: cancl"))
    lines = [int(p.split(":")[1]) for p in problems(text)]
    assert len(lines) == 4 and lines == sorted(lines)


def test_every_problem_is_reported_not_just_the_first():
    text = (MINI.replace("acts: [acknowledge]", "acts: [acknowlege]")
                .replace("landmine: [threaten, defy]", "landmine: [threaten, thraeten]")
                .replace("allow: [cancel, refund]", "allow: [cancel, refunds]")
                .replace("stage: cancel", "stage: cancellation"))
    out = "\n".join(problems(text))
    assert "unknown act 'acknowlege' (did you mean 'acknowledge'?)" in out
    assert "unknown landmine 'thraeten' (did you mean 'threaten'?)" in out
    assert "unknown action 'refunds' (did you mean 'refund'?)" in out
    assert "'states.cancel.stage' is 'cancellation'; expected one of" in out
    assert out.count("error:") == 4


def test_unknown_key_points_at_the_key():
    text = MINI.replace("    stage: venting", "    stgae: venting\n    stage: venting")
    line = line_of(text, "stgae")
    assert f"s.yaml:{line}:5: error: unknown key 'stgae' in 'states.venting' (did you mean 'stage'?)" \
        in problems(text)


def test_missing_required_key_and_wrong_type():
    out = problems(MINI.replace("title: Mini call\n", "")
                   .replace("mood: {start: 60}", "mood: {start: lots}"))
    assert any("missing required key 'title'" in p for p in out)
    assert any("'mood.start' should be a whole number, not 'lots'" in p for p in out)


def test_unreachable_state_is_a_warning_and_dead_end_is_an_error():
    text = MINI.replace("endings:", """  limbo:
        stage: refund
        say: ["Hm."]
        transitions:
          - to: limbo
    endings:""".replace("\n    ", "\n"))
    out = problems(text)
    assert any("warning: state 'limbo' can never be reached" in p for p in out)
    text2 = text.replace("      - to: hung_up\n        when: {turns_in_state: 2}",
                         "      - to: limbo\n        when: {turns_in_state: 2}")
    out2 = problems(text2)
    assert any("error: state 'limbo' has no path to any ending" in p for p in out2)


def test_state_with_no_transition_that_can_fire():
    text = MINI.replace("""      - to: resolved
        when: {acts: [offer:cancel]}
      - to: hung_up
        when: {turns_in_state: 2}""", """      - to: resolved
        when: {mood_above: 100}""")
    out = problems(text)
    assert any("warning: this transition can never fire: mood_above 100" in p for p in out)
    assert any("error: state 'cancel' has no transition that can ever fire" in p for p in out)


def test_a_furious_ending_variant_behind_one_that_holds_at_any_anger_is_warned_about():
    ending = """  resolved:
    outcome: resolved
    service_level: 3
    say: ["Thanks."]
    variants:
      - {unmet: [], debrief: Fine.}
      - {mood_above: 74, say: ["Whatever. Bye."]}
      - {mood_above: 120, say: ["Never."]}"""
    text = MINI.replace('  resolved: {outcome: resolved, service_level: 3, say: ["Thanks."]}', ending)
    assert text != MINI
    out = problems(text)
    assert any("warning: variant 1 of ending 'resolved' comes first and holds at any anger" in p for p in out)
    assert any("error: mood_above 120 can never hold" in p for p in out)
    fixed = text.replace("""      - {unmet: [], debrief: Fine.}
      - {mood_above: 74, say: ["Whatever. Bye."]}""", """      - {mood_above: 74, say: ["Whatever. Bye."]}
      - {unmet: [], debrief: Fine.}""").replace("""
      - {mood_above: 120, say: ["Never."]}""", "")
    assert problems(fixed) == []


def test_a_line_with_an_unquoted_colon_is_told_to_take_quotes():
    text = MINI.replace('say: ["Cancel it."]', 'say:\n      - Every day I check: the tracking says nothing')
    assert any("should be text, not a mapping (a colon followed by a space starts a mapping: put the whole line "
               "in quotes)" in p for p in problems(text))


def test_placeholder_without_fact_and_lines_in_the_wrong_language():
    out = problems(MINI.replace("{service}", "{servce}").replace('"Cancel it."', '"把它取消掉。"'))
    assert any("placeholder '{servce}' has no fact (did you mean 'service'?)" in p for p in out)
    assert any("warning: line has Chinese text in an en scenario" in p for p in out)


def test_a_misspelt_placeholder_in_a_model_answer_is_an_error_as_in_a_line():
    """Trial 21: '{custmer_name}' in a model answer passed lint; the hint showed it unfilled."""
    text = MINI.replace('model_answers: ["I hear you, five a month for nothing."]',
                        'model_answers: ["I hear you, {fe} a month for {service}."]')
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "{fe}" in l)
    assert any(p.startswith(f"s.yaml:{line}:") and "placeholder '{fe}' has no fact (did you mean 'fee'?)" in p
               for p in problems(text))


def test_fact_labels_name_known_facts_and_a_zh_call_gets_a_warning_for_each_unlabelled_fact():
    out = problems(MINI.replace("facts: {service: Tips, fee: 5}",
                                "facts: {service: Tips, fee: 5}\nfact_labels: {servce: Service, fee: ''}"))
    assert any("error: label for unknown fact 'servce' (did you mean 'service'?)" in p for p in out)
    assert any("error: empty label for fact 'fee'" in p for p in out)
    assert not any("has no label" in p for p in out)  # an en call may show keys in words
    zh = MINI.replace("locale: en", "locale: zh").replace("facts: {service: Tips, fee: 5}",
                                                           "facts: {service: Tips, fee: 5}\nfact_labels: {fee: 月费}")
    out = problems(zh)
    assert any("warning: fact 'service' has no label under fact_labels; the brief panel of this zh call "
               "shows it as 'service'" in p for p in out), out
    assert not any("fact 'fee'" in p for p in out)


def test_a_negative_policy_cap_is_an_error_at_its_value():
    """Trial 27: "compensation_max_amount: -5" linted clean, then every offer "exceeded the cap of -5"."""
    ok, diags = check_text(MINI.replace("refund_max_months: 1}", "refund_max_months: -1, compensation_max_amount: -5, "
                                                                 "refund_max_amount: .nan}"),
                           "m.yaml")
    found = [str(d) for d in diags]
    assert not ok
    assert any(d.startswith("m.yaml:7:") and "refund_max_months should be 0 (nothing) or more" in d for d in found), found
    assert any("compensation_max_amount should be 0 (nothing) or more" in d for d in found), found
    assert any("refund_max_amount should be 0 (nothing) or more" in d for d in found), found


def test_duplicate_keys_are_errors():
    out = problems(MINI.replace("locale: en\n", "locale: en\nlocale: zh\n"))
    assert any("duplicate key 'locale'" in p for p in out)


def test_yaml_syntax_error_has_position():
    out = problems("id: x\ntitle: [unclosed\nlocale: en\n")
    assert len(out) == 1 and out[0].startswith("s.yaml:") and "error: YAML syntax" in out[0]


def test_python_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = MINI + f"x: !!python/object/apply:os.system ['touch {marker}']\n"
    out = problems(text)
    assert any("tag '!!python/object/apply:os.system' is not allowed" in p for p in out)
    assert not marker.exists()


def test_callback_like_strings_are_just_data():
    # A dotted name where a state is expected is an unknown state, never imported.
    out = problems(MINI.replace("- to: cancel", "- to: os.system"))
    assert any("unknown state 'os.system'" in p for p in out)


@pytest.mark.parametrize("levels", [100, 10_000])  # ours stops at 64; newer libyaml at 1,000
def test_deep_nesting_is_one_clear_error_whatever_libyaml_does(levels):
    out = problems("a: " + "[" * levels + "]" * levels)
    assert [p for p in out if "nesting deeper than 64 levels" in p], out


def test_alias_bomb_is_refused():
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i, (prev, cur) in enumerate(zip("abcdefgh", "bcdefghi")):
        bomb += f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    out = problems(bomb)
    assert any("alias bomb" in p for p in out)


def test_huge_file_is_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (10 * 1024 * 1024) + "\n")
    sc, diags = check_file(big)
    assert sc is None and "limited to 2 MB" in str(diags[0])


def test_unreadable_and_non_utf8_files(tmp_path):
    sc, diags = check_file(tmp_path / "missing.yaml")
    assert "cannot read" in str(diags[0])
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("title: caf\xe9\n".encode("latin-1"))
    sc, diags = check_file(bad)
    assert "not UTF-8" in str(diags[0])


@pytest.mark.parametrize("text,msg", [("", "the file is empty"), ("- a\n- b\n", "should be a mapping")])
def test_empty_or_wrong_shape(text, msg):
    assert any(msg in p for p in problems(text))


def test_scenario_lexicon_is_checked():
    out = problems(MINI + "lexicon:\n  families:\n    threatn: [report you to the bureau]\n")
    assert any("unknown phrase family 'threatn' (did you mean 'threaten'?)" in p for p in out)
    out = problems(MINI + "lexicon:\n  actions:\n    refund: ['re:(']\n")
    assert any("error: lexicon:" in p and "bad phrase" in p for p in out)


def test_misspelt_say_in_the_only_state_does_not_claim_there_are_no_states():
    text = MINI.replace('say: ["Cancel it."]', 'sy: ["Cancel it."]')
    out = problems(text)
    assert any("unknown key 'sy'" in p for p in out)
    assert not any("needs at least one state" in p for p in out)


def test_a_broken_state_still_has_its_other_problems_reported():
    text = MINI.replace("stage: cancel", "stage: cancellation").replace(
        "      - to: resolved\n", "      - to: resolvd\n")
    out = problems(text)
    assert any("'states.cancel.stage' is 'cancellation'" in p for p in out)
    assert any("unknown state 'resolvd' (did you mean 'resolved'?)" in p for p in out)


def test_missing_keys_bring_no_made_up_follow_on_errors():
    text = (MINI.replace("      - to: resolved\n        when:", "      - when:")
                .replace("    ending: resolved\n", "").replace("    stage: cancel\n", ""))
    out = problems(text)
    assert sorted(p.split("error: ")[1] for p in out) == [
        "missing required key 'ending' in 'stories[0]'",
        "missing required key 'stage' in 'states.cancel'",
        "missing required key 'to' in 'states.cancel.transitions[0]'",
    ], out


def test_escape_codes_in_scenario_text_are_warned_and_removed():
    text = MINI.replace("title: Mini call", 'title: "Mini \\e]0;PWNED\\a\\e[31mcall\\u202e"')
    sc, diags = check_text(text, "s.yaml")
    warnings = [str(d) for d in diags if "control characters" in str(d)]
    assert warnings and f"s.yaml:{line_of(text, 'PWNED')}:" in warnings[0] and "warning" in warnings[0]
    assert sc is not None and sc.title == "Mini call"


# The one-pass reader (parser events straight to data) and the node reader it falls back to
# must agree: same data, same positions, same duplicate keys and refused tags.
ODD_YAML = [
    "a: &x [1, {b: &y 2, c: [*y]}]\nd: *x\ne: *y\n",                 # aliases, also inside anchors
    "a: yes\nb: No\nc: ~\nd: 1.5\ne: 0x1F\nf: .inf\ng: 2001-12-14\nh: '3'\ni: !!int '7'\n",
    "yes: 1\n1: 2\n~: 3\n2001-01-01: 4\n",                               # keys that are not text
    "a: 1\nb: 2\na: 3\n",                                                # a duplicate key
    "a: !!python/object/apply:os.system [ls]\nb: !custom {c: 1}\nd: !x y\n",  # refused tags
    "a: !!str [1]\nb: ! 5\nc: !<tag:yaml.org,2002:str> 6\n",
    "---\n...\n", "", "# only a comment\n", "[1, [2, [3]]]\n", "just text\n",
    "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",                    # merge keys: the node reader
    "? [a]\n: 1\n",                                                       # a complex key: the node reader
]


def _read_both(text):
    from simulator import yamlsafe

    out = []
    for reader in (yamlsafe._read_events, yamlsafe._read_nodes):
        try:
            doc = reader(text)
        except yamlsafe._NeedsNodes:
            out.append("node reader")
            continue
        out.append((repr(doc.data), {p: doc.mark(p) for p in doc.value_marks},
                    {p: doc.mark(p, key=True) for p in doc.key_marks}, doc.duplicate_keys, doc.bad_tags))
    return out


@pytest.mark.parametrize("text", ODD_YAML)
def test_one_pass_reader_agrees_with_the_node_reader(text):
    events, nodes = _read_both(text)
    assert events == nodes or (events == "node reader" and ("<<" in text or "?" in text))


def test_one_pass_reader_reads_the_whole_library_like_the_node_reader():
    from simulator.loader import bundled_dir, scenario_files

    for f in scenario_files([bundled_dir()]):
        events, nodes = _read_both(f.read_text(encoding="utf-8"))
        assert events == nodes, f


@pytest.mark.parametrize("where", ["start", "middle"])
def test_a_tab_in_the_indentation_is_named_at_its_own_line_and_column(where):
    before = "    stage: cancel\n"
    line = line_of(MINI, "stage: cancel")
    tabbed = "\t  stage: cancel\n" if where == "start" else "  \tstage: cancel\n"
    out = problems(MINI.replace(before, tabbed))
    col = tabbed.index("\t") + 1
    assert out == [f"s.yaml:{line}:{col}: error: a tab character: indent with spaces "
                   "(YAML does not allow tabs in indentation)"]


@pytest.mark.parametrize("good, slip, bracket", [('say: ["Cancel it."]', 'say: ["Cancel it."', "[]"),
                                                 ("title: Mini call", "title: {en: Mini call", "{}")])
def test_an_unclosed_bracket_is_named_where_it_was_opened_not_where_the_parser_stopped(good, slip, bracket):
    text = MINI.replace(good, slip, 1)
    line = line_of(text, slip)
    col = text.splitlines()[line - 1].index(bracket[0]) + 1
    [out] = problems(text)
    assert out.startswith(f"s.yaml:{line}:{col}: error: YAML syntax: the '{bracket[0]}' opened here is not "
                          f"closed: a '{bracket[1]}' is missing (the parser stopped on line "), out


def test_a_list_over_several_lines_that_is_closed_but_misses_a_comma_is_not_called_unclosed():
    text = MINI.replace('say: ["Cancel it."]', 'say: [\n        "Cancel it."\n        "Now."\n      ]', 1)
    [out] = problems(text)
    assert "YAML syntax:" in out and "not closed" not in out, out
    line = line_of(text, '"Now."')
    assert out.startswith(f"s.yaml:{line}:"), out


def test_other_syntax_errors_keep_the_parser_s_words():
    out = problems(MINI.replace("say: [\"Cancel it.\"]", "say: [\"Cancel it.\"]]"))
    assert len(out) == 1 and "YAML syntax:" in out[0] and "tab" not in out[0] and "opened here" not in out[0], out


@pytest.mark.parametrize("good, slip", [("title: Mini call", 'title: "Mini call'),
                                        ('say: ["Cancel it."]', 'say:\n      - "Cancel it.')])
def test_an_unclosed_quote_is_named_at_the_line_it_was_opened(good, slip):
    text = MINI.replace(good, slip, 1)
    opened = text[:text.index(slip)].count("\n") + 1 + slip.count("\n")
    out = problems(text)
    assert len(out) == 1 and "YAML syntax:" in out[0], out
    assert out[0].endswith(f"; a quote opened on line {opened} is not closed on that line"), out[0]


@pytest.mark.parametrize("good, slip", [
    ("title: Mini call", "title Mini call"),         # the parser stops at the next line
    ("    stage: venting", "    stage venting"),     # read with the next line as one value
    ("    stage: cancel", "    stage cancel"),
])
def test_a_missing_colon_is_named_at_its_own_line(good, slip):
    text = MINI.replace(good, slip, 1)
    line = line_of(text, slip.strip())
    col = len(slip) - len(slip.lstrip()) + 1
    [out] = problems(text)
    assert out.startswith(f"s.yaml:{line}:{col}: error: YAML syntax: no ':' after the key on this line "
                          "(write `key: value`)"), out


def test_text_running_over_two_lines_with_a_colon_is_named_as_either_slip():
    """'mapping values are not allowed' after two plain lines: a key without its colon, or a text
    with ': ' in it that runs on; the message names both, at the first line."""
    text = MINI.replace('say: ["Cancel it."]', 'say:\n      Cancel it now\n      and note this: at once', 1)
    [out] = problems(text)
    line = line_of(text, "Cancel it now")
    assert out.startswith(f"s.yaml:{line}:7: error: YAML syntax: no ':' after the key on this line"), out
    assert f"runs on to line {line + 1}, put that text in double quotes" in out


def test_a_colon_inside_an_unquoted_text_says_to_quote_the_text():
    """Trial 18: "mapping values are not allowed in this context" alone, for `brief:` with a ': '."""
    text = MINI.replace("title: Mini call", "title: Mini call\nbrief: She rings about her data: who used it?", 1)
    [out] = problems(text)
    assert out.startswith(f"s.yaml:{line_of(text, 'brief:')}:"), out
    assert out.endswith("a ': ' inside a text starts a new key: put the whole text in double quotes"), out


def test_a_key_indented_too_far_is_told_to_check_the_indentation_not_to_quote():
    """The second review: "title: Mini call" then "  locale: en" got the quoting hint."""
    text = MINI.replace("title: Mini call\n", "title: Mini call\n  locale2: en\n", 1)
    [out] = problems(text)
    assert "check this line's indentation" in out and "double quotes" not in out, out


def test_a_list_item_indented_out_of_line_says_to_check_the_indentation():
    """Trial 18: a '- ' item three spaces in, under items six spaces in, got "did not find expected
    key" and nothing on what to do."""
    text = MINI.replace('say: ["Cancel it."]', 'say:\n      - "Cancel it."\n     - "Now."', 1)
    [out] = problems(text)
    line = line_of(text, '- "Now."')
    assert out.startswith(f"s.yaml:{line}:"), out
    assert "check this line's indentation: it must line up with the lines of its block above" in out


def test_a_key_out_of_line_in_a_list_of_items_says_to_check_the_indentation():
    """Trial 23: libyaml's "did not find expected '-' indicator" had come without the hint."""
    text = MINI.replace("    ending: resolved\n    states:", "  ending: resolved\n    states:", 1)
    [out] = problems(text)
    assert "did not find expected '-' indicator" in out and "check this line's indentation" in out, out


def test_a_syntax_error_with_every_quote_closed_names_no_quote():
    out = problems("id: x\ntitle: [unclosed\nlocale: en\n")
    assert len(out) == 1 and "quote" not in out[0]


def indented_two_too_few(text: str, state: str, key: str) -> str:
    """`key` of `state` (and what it holds) moved two spaces left: directly under `states`."""
    lines, out, inside, moving = text.split("\n"), [], False, False
    for row in lines:
        if row.startswith(f"  {state}:"):
            inside = True
        elif inside and row.startswith("  ") and not row.startswith("    "):
            inside = False
        if inside and row.startswith(f"    {key}:"):
            moving = True
        elif moving and not row.startswith("      "):
            moving = False
        out.append(row[2:] if inside and moving else row)
    return "\n".join(out)


def test_a_state_key_indented_as_a_state_name_says_so_and_nothing_else():
    text = indented_two_too_few(MINI, "cancel", "transitions")
    assert "\n  transitions:\n" in text
    rows = text.splitlines()
    line, above = rows.index("  transitions:") + 1, rows.index("  cancel:") + 1
    assert problems(text) == [f"s.yaml:{line}:3: error: 'transitions' is indented as a state name; indent it "
                              f"under the state above ('cancel', line {above})"]


def test_a_misindented_key_is_still_checked_where_it_belongs():
    text = indented_two_too_few(MINI, "cancel", "transitions").replace("- to: resolved", "- to: resolvd")
    line = line_of(text, "to: resolvd")
    col = text.splitlines()[line - 1].index("resolvd") + 1
    out = problems(text)
    assert len(out) == 2 and "indented as a state name" in out[0]
    assert out[1] == (f"s.yaml:{line}:{col}: error: transition from 'cancel' goes to unknown state 'resolvd' "
                      "(did you mean 'resolved'?)")


def test_an_ending_key_indented_as_an_ending_name_says_so():
    text = MINI.replace("  hung_up: {outcome: hung_up, service_level: 0}",
                        "  hung_up:\n    outcome: hung_up\n  service_level: 0")
    rows = text.splitlines()
    line, above = rows.index("  service_level: 0") + 1, rows.index("  hung_up:") + 1
    assert problems(text) == [f"s.yaml:{line}:3: error: 'service_level' is indented as an ending name; indent it "
                              f"under the ending above ('hung_up', line {above})"]


def test_a_state_key_above_every_state_says_to_add_the_state():
    text = MINI.replace("states:\n  venting:\n", "states:\n  stage: venting\n  venting:\n")
    line = text.splitlines().index("  stage: venting") + 1
    out = problems(text)
    assert out[0] == (f"s.yaml:{line}:3: error: 'stage' is indented as a state name, but it belongs inside one: "
                      "add the state it belongs to above it")


def test_a_folded_chinese_block_reads_without_a_gap_after_its_full_stops():
    """YAML's `>-` joins a block's lines with a space: "共40元。 系统记录" on screen. A Chinese
    scenario's text has no space after full-width punctuation; English keeps its spaces, and a
    problem in the same file is still reported at its own line."""
    text = (MINI.replace("locale: en", "locale: zh").replace("title: Mini call", "title: 小电话")
            .replace("facts: {service: Tips, fee: 5}",
                     "facts: {service: Tips, fee: 5}\nbrief: >-\n  共扣了40元。\n  系统记录：本号码开通。\n  可以退订")
            .replace("- to: cancel", "- to: cancle"))
    sc, diags = check_text(text, "s.yaml")
    line = line_of(text, "to: cancle")
    assert any(str(d).startswith(f"s.yaml:{line}:") and "cancle" in str(d) for d in diags), diags
    fixed = text.replace("- to: cancle", "- to: cancel")
    sc, diags = check_text(fixed, "s.yaml")
    assert sc is not None, [str(d) for d in diags]
    assert sc.brief == "共扣了40元。系统记录：本号码开通。可以退订"
    en, _ = check_text(MINI.replace("facts: {service: Tips, fee: 5}",
                                    "facts: {service: Tips, fee: 5}\nbrief: >-\n  Pat paid 5.\n  He is cross."), "e.yaml")
    assert en.brief == "Pat paid 5. He is cross."


def test_a_key_one_space_too_deep_is_named_beside_the_line_the_parser_stopped_at():
    """Trial 27: "stage" indented one space more than its state's other keys; the error named the
    "say" line below it, which was right."""
    text = MINI.replace("  cancel:\n    stage: cancel", "  cancel:\n     stage: cancel", 1)
    assert text != MINI
    stage_line = text[:text.index("     stage: cancel")].count("\n") + 1
    out = problems(text)
    assert len(out) == 1 and out[0].startswith(f"s.yaml:{stage_line + 1}:"), out
    assert f"line {stage_line} above is indented 5 spaces and this one 4: one of the two is off" in out[0], out


def test_a_list_under_its_key_is_not_blamed_for_the_line_after_it():
    """The review: the items of `again:` are deeper by design; the shallow line after them is the slip."""
    text = MINI.replace('    again: ["And another thing."]\n', '    again:\n      - And another thing.\n   model_answers: ["x"]\n', 1)
    assert text != MINI
    out = problems(text)
    assert len(out) == 1 and "YAML syntax" in out[0] and "one of the two is off" not in out[0], out

