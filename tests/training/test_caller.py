"""The scripted caller: its lines follow what the trainee does, and its mood decides if it stays."""

from __future__ import annotations

from server_stub.protocol.scenarios import Scenario, Turn
from server_stub.training.caller import CallerState, initial_state, react
from tests.training.demo_runs import demo_scenarios


def complaint() -> Scenario:
    return demo_scenarios()["angry_complaint"]


def play(scenario: Scenario, *triggers: str) -> tuple[list[str | None], CallerState]:
    state = initial_state(scenario)
    said: list[str | None] = []
    for trigger in triggers:
        turn, state = react(scenario, trigger, state)
        said.append(turn.says if turn is not None else None)
    return said, state


def test_the_angry_caller_calms_when_his_complaint_is_logged_before_the_hold() -> None:
    said, state = play(complaint(), "greet", "verify", "assess", "on_ticket", "on_hold")
    assert said[1] == "后四位是0312。 / The last four digits are 0312."
    assert said[-1] == "快点。 / Be quick."
    assert state.mood_name == "annoyed" and not state.hung_up


def test_a_hold_before_anything_is_logged_makes_him_hang_up() -> None:
    said, state = play(complaint(), "greet", "verify", "assess", "on_hold")
    assert (
        said[-1]
        == "又让我等?我的事你到底记没记? / Hold again? Have you even written my complaint down?"
    )
    assert state.mood_name == "furious" and state.hung_up


def test_asking_him_twice_for_his_id_is_one_time_too_many() -> None:
    said, state = play(complaint(), "greet", "verify", "verify")
    assert said[-1] == "我刚才不是说了吗?后四位0312! / Didn't I just say? 0312!"
    assert state.hung_up


def test_a_long_hold_gets_a_different_line_on_retrieve() -> None:
    scenario = demo_scenarios()["vip_quick_change"]
    state = initial_state(scenario).held_for(35)
    turn, after = react(scenario, "on_retrieve", state)
    assert turn is not None and turn.says == "That was longer than I'd like."
    assert after.mood_name == "angry"
    turn, after = react(scenario, "on_retrieve", initial_state(scenario).held_for(20))
    assert turn is not None and turn.says == "Great." and after.mood_name == "calm"


def test_a_trigger_without_a_turn_says_nothing_and_changes_no_mood() -> None:
    scenario = complaint()
    turn, state = react(scenario, "on_callback", initial_state(scenario))
    assert turn is None
    assert state.mood_name == "angry" and state.done == frozenset({"callback"})


def test_the_mood_stays_on_its_scale() -> None:
    calm = demo_scenarios()["enquiry_tariffs"]  # starts calm, never hangs up over a mood
    swings = {
        "greet": [Turn(says="太好了! / Great!", mood=3)],
        "on_end": [Turn(says="哼。", mood=-3)],
    }
    scenario = calm.model_copy(update={"turns": swings})
    moods = []
    state = initial_state(scenario)
    for trigger in ("greet", "on_end", "on_end"):
        _, state = react(scenario, trigger, state)
        moods.append(state.mood_name)
    assert moods == ["pleased", "annoyed", "furious"]  # calm + 3 and furious - 1 are clamped
    assert not state.hung_up
