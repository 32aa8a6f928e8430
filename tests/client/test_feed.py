from __future__ import annotations

import random

from agent_tui.client.feed import MAX_DELAY_S, EventFeed, backoff_delay


def test_backoff_starts_at_a_fifth_of_a_second_doubles_and_stops_at_five() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(attempt, rng=rng) for attempt in range(10)]
    assert 0.16 <= delays[0] <= 0.24
    assert 0.32 <= delays[1] <= 0.48
    assert all(delay <= MAX_DELAY_S for delay in delays)
    assert delays[-1] >= 4.0


def test_backoff_is_jittered_so_a_floor_does_not_reconnect_in_step() -> None:
    rng = random.Random(1)
    assert len({round(backoff_delay(3, rng=rng), 6) for _ in range(20)}) > 10


def _feed() -> EventFeed:
    return EventFeed("http://x", "t", on_event=lambda e: None, on_status=lambda s: None)


def test_a_resync_from_the_server_becomes_a_resync_event_with_its_seq() -> None:
    data = '{"seq": 42, "sim_time": 0.0, "wall_time": 0.0, "type": "resync", "data": {}}'
    event = _feed()._parse("resync", data, "42")
    assert event is not None and event.type == "resync" and event.seq == 42


def test_a_bare_resync_still_becomes_a_resync_event() -> None:
    event = _feed()._parse("resync", "", "9")
    assert event is not None and event.type == "resync" and event.seq == 9


def test_an_event_is_parsed_and_junk_is_skipped() -> None:
    feed = _feed()
    data = (
        '{"seq": 5, "sim_time": 12.5, "wall_time": 1.0, "type": "call.offered",'
        ' "call_id": "k1", "agent_id": "1001", "data": {"ani": "138"}}'
    )
    event = feed._parse("call.offered", data, "5")
    assert event is not None and event.call_id == "k1" and event.data == {"ani": "138"}
    assert feed._parse("ping", "keep-alive", None) is None
    assert feed._parse("call.offered", "{broken", "6") is None
