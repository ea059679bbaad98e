"""Running a scenario's test stories: these replies must reach this ending (and these states)."""
from __future__ import annotations

from dataclasses import dataclass, field

from simulator.scenario import Scenario, Story, StoryReply
from simulator.session import ReplyRejected, Session, TurnResult


@dataclass
class StoryResult:
    story: Story
    passed: bool
    path: list[str]            # states visited, the start state first, the ending last
    ending: str | None
    problem: str = ""          # why it failed, one line
    turns: list[TurnResult] = field(default_factory=list)
    diverged_at: int | None = None  # index of the reply where the path left `states`
    ran_out: bool = False      # the replies ended before the call did (diverged_at is the last one)
    marked: str = ""           # what `--explain` says at diverged_at, if not "left the expected path here"


def run_story(sc: Scenario, story: Story) -> StoryResult:
    session = Session(sc, seed=story.seed)
    path = [session.state]
    unused = 0
    for i, item in enumerate(story.replies):
        if session.over:
            unused = len(story.replies) - i
            break
        reply = item if isinstance(item, StoryReply) else StoryReply(text=item)
        session.reply(reply.text, interrupted=reply.interrupted)
        path.append(session.state)
    result = StoryResult(story, True, path, session.ending, turns=session.turns)
    if story.states is not None:
        for i, (want, got) in enumerate(zip(story.states, path)):
            if want != got:
                result.passed = False
                result.diverged_at = i - 1 if i else 0
                result.problem = (f"after reply {i} expected state '{want}' but the call was in '{got}'"
                                  if i else f"expected to start in '{want}' but started in '{got}'")
                return result
        if len(story.states) != len(path):
            result.passed = False
            result.problem = (f"expected states {' -> '.join(story.states)} but the call went "
                              f"{' -> '.join(path)}")
            return result
    if session.ending != story.ending:
        result.passed = False
        where = f"ended in '{session.ending}'" if session.ending else f"was still in '{session.state}' after the last reply"
        result.problem = f"expected ending '{story.ending}' but the call {where}"
        if session.ending is None and result.turns:
            # The call was still going: the story is short a reply, or its last reply did not
            # move the call (an earlier reply that stayed put may have been meant to).
            result.ran_out, result.diverged_at = True, len(result.turns) - 1
        else:
            result.diverged_at = _first_divergence(result)
    elif unused:
        result.passed = False
        result.problem = f"the call ended after reply {len(story.replies) - unused}; {unused} replies were never used"
    elif story.met is not None and set(story.met) != set(session.met):
        result.passed = False
        result.problem = (f"expected concerns met {_listed(story.met)} but the call met {_listed(session.met)}")
    elif story.service_level is not None and session.service_level != story.service_level:
        result.passed = False
        result.problem = (f"expected service level {story.service_level} but the call reached "
                          f"{session.service_level} (concerns met: {_listed(session.met)})")
    elif story.title is not None and (shown := session.ending_title) != story.title:
        result.passed = False
        result.problem = (f"expected the ending titled '{story.title}' but the call showed '{shown}' "
                          f"(anger at the end {session.mood:.0f}; concerns met: {_listed(session.met)})")
    return result


def _listed(ids) -> str:
    return "[" + ", ".join(ids) + "]" if ids else "none"


def _first_divergence(result: StoryResult) -> int | None:
    """Best guess for where a story went wrong without expected states: the reply at which the
    caller's breaking point ended the call (no transition was checked there), else the last reply
    that moved nothing."""
    if result.turns and result.turns[-1].broke_off:
        return result.turns[-1].index
    for t in reversed(result.turns):
        if t.state_after == t.state_before:
            return t.index
    return len(result.turns) - 1 if result.turns else None


@dataclass
class AnswerWalk:
    """Each state's model answer typed in turn, as a trainee who asks for every hint would."""
    passed: bool
    path: list[str]
    ending: str | None
    problems: list[str]        # one line each: a state whose answer scores 0, or how the call ended
    turns: list[TurnResult] = field(default_factory=list)


def walk_model_answers(sc: Scenario) -> AnswerWalk:
    """A model answer is the best reply a trainer wrote for its state, so typing them one after
    another must win the call: a resolved ending, and no answer at 0 on listening, empathy or
    policy. Policy caps changed under an answer that still offers the old amount show up here
    ("refund 3 months" over a 1-month cap reads as an overpromise)."""
    session = Session(sc, seed=0)
    path, problems = [session.state], []
    missing = False
    while not session.over and len(session.turns) < sc.max_turns:
        state = session.state
        answer = session.hint()
        if not answer:
            missing = True
            problems.append(f"state '{state}' has no model answer (model_answers) to type")
            break
        turn = session.reply(answer)
        path.append(session.state)
        for dim in ("listening", "empathy", "policy"):
            got = getattr(turn.score, dim)
            if got.level == 0:
                why = next((e.reason for e in got.evidence if e.effect == "-"), "")
                problems.append(f"state '{state}': its model answer scores {dim} 0" + (f": {why}" if why else ""))
    outcome = sc.endings[session.ending].outcome if session.ending else None
    if session.ending is None and not missing:
        problems.append(f"after {len(session.turns)} model answers the call was still in '{session.state}'")
    elif outcome is not None and outcome != "resolved":
        problems.append(f"the model answers ended the call in '{session.ending}' ({outcome}), not a resolved ending")
    return AnswerWalk(not problems, path, session.ending, problems, session.turns)


def walk_as_story(sc: Scenario, walk: AnswerWalk) -> StoryResult:
    """A failed walk in a story's shape, for `test --explain`: its answers as the replies, the
    first answer that scored 0 (else the last) as the reply to look at."""
    weak = next((i for i, t in enumerate(walk.turns) if t.score and min(
        t.score.listening.level, t.score.empathy.level, t.score.policy.level) == 0), None)
    at = weak if weak is not None else len(walk.turns) - 1
    story = Story(name="model answers", replies=[t.reply for t in walk.turns], ending=walk.ending or "")
    return StoryResult(story, walk.passed, walk.path, walk.ending, problem=walk.problems[0] if walk.problems else "",
                       turns=walk.turns, diverged_at=at if walk.turns else None,
                       marked="this model answer scores 0" if weak is not None else "the walk ended here")


def run_stories(sc: Scenario) -> list[StoryResult]:
    return [_run_safely(sc, story) for story in sc.stories]


def _run_safely(sc: Scenario, story: Story) -> StoryResult:
    """A story that breaks the engine fails with the reason; the other stories still run."""
    try:
        return run_story(sc, story)
    except ReplyRejected as exc:
        return StoryResult(story, False, [], None, problem=f"a reply was refused: {exc}")
    except Exception as exc:  # noqa: BLE001 - `mystery-guest test` reports, never a traceback
        return StoryResult(story, False, [], None, problem=f"the story stopped: {type(exc).__name__}: {exc}")
