"""The server stops in the middle of a call and comes back: the desk reconnects by itself,
shows the call where it was, and has every event the agent may see, once each, in order."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import httpx
from desk_live import desk_app, go_ready, log_in
from live_helpers import AGENT, PASSWORD, until

from agent_tui.client.feed import EventFeed
from server_stub.protocol.events import Event
from server_stub.server.testing import free_port, quiet_centre, start_live_server


async def _as(base_url: str, user_id: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base_url) as client:
        login = await client.post("/v1/auth/login", json={"user_id": user_id, "password": "demo"})
        return {"Authorization": f"Bearer {login.json()['token']}"}


async def _everything_the_agent_may_see_after(base_url: str, seq: int) -> list[int]:
    """Replay the agent's own stream from `seq`, as a fresh client would get it."""
    async with httpx.AsyncClient(base_url=base_url) as client:
        login = await client.post("/v1/auth/login", json={"user_id": AGENT, "password": PASSWORD})
    seen: list[Event] = []
    feed = EventFeed(
        base_url,
        login.json()["token"],
        last_event_id=seq,
        on_event=seen.append,
        on_status=lambda _status: None,
    )
    task = asyncio.create_task(feed.run())
    await asyncio.sleep(1.0)  # a paused centre: the replay is all there is
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return [event.seq for event in seen]


async def test_the_desk_rides_out_a_server_restart_mid_call_and_misses_no_event(
    tmp_path: Path, config_dir: Path, no_keyring: None
) -> None:
    db, port, centre = tmp_path / "centre.sqlite", free_port(), quiet_centre()
    with contextlib.ExitStack() as first_run:
        live = first_run.enter_context(start_live_server(centre, db, port=port))
        app = desk_app(live, tmp_path, config_dir)
        async with app.run_test(size=(120, 40)) as pilot:
            await log_in(pilot)
            start_seq = app.store.last_seq or 0
            received: list[int] = []
            apply = app.store.apply

            def recording_apply(event: Event) -> Any:
                received.append(event.seq)
                return apply(event)

            app.store.apply = recording_apply  # type: ignore[method-assign]

            await go_ready(pilot)
            trainer = await _as(live.base_url, "t100")
            async with httpx.AsyncClient(base_url=live.base_url) as client:
                sent = await client.post(
                    "/v1/trainer/calls", json={"queue_id": "enquiry"}, headers=trainer
                )
            call_id = sent.json()["call_id"]
            await until(lambda: app.store.call is not None, pilot)
            await pilot.press("f4")
            await until(lambda: app.store.state == "busy", pilot)

            first_run.close()  # the server stops mid-call
            await until(lambda: app.store.connection != "online", pilot)

            with start_live_server(centre, db, port=port) as again:
                await until(lambda: app.store.connection == "online", pilot, timeout=15)
                supervisor = await _as(again.base_url, "s100")
                async with httpx.AsyncClient(base_url=again.base_url) as client:
                    await client.post(
                        "/v1/supervisor/messages",
                        json={"agent_id": AGENT, "text": "回来了 Back online"},
                        headers=supervisor,
                    )
                await until(lambda: any("Back online" in m.text for m in app.store.messages), pilot)
                await pilot.press("f5")  # the call is still there to hold
                await until(lambda: app.store.call and app.store.call.status == "held", pilot)

                assert app.store.call is not None
                assert app.store.call.call_id == call_id
                assert received == sorted(set(received))  # in order, none twice
                expected = await _everything_the_agent_may_see_after(again.base_url, start_seq)
                assert received == expected
