"""Screen pop (IN4): from the server emitting `call.offered` to the customer card on the desk.

The demo centre runs in its own process (`python -m server_stub.cli serve`, fresh
database), stepped half an hour into the 10:00 peak and then run at `--speed` so that
simulated callers and agents load it. The desk is the real app (headless, 120×40)
logged in as agent 1001, ready; a trainer sends calls to the agent's queues, and natural
calls count as well. For every call offered to 1001:

    latency = when the card was on screen (`CustomerCard.rendered_at`, stamped after the
              refresh that drew it) − the event's `wall_time` (stamped by the server when
              the engine emitted it).

Both clocks are this machine's. After each pop the bench answers, hangs up and wraps
up through the API (not keys); the trainer sends the next call 0.3 s after that.

Prints the count, p50, p99 and max, and as its last line `p99_ms=X`. Target X ≤ 30.

    .venv/bin/python bench/screen_pop.py [--calls 200] [--speed 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent_tui.demo import free_port  # noqa: E402
from agent_tui.shell.app import ShellApp  # noqa: E402
from agent_tui.workspaces.desk.customer_card import CustomerCard  # noqa: E402
from agent_tui.workspaces.desk.screen import DeskScreen  # noqa: E402
from server_stub.protocol.api import WrapupRequest  # noqa: E402
from server_stub.protocol.events import Event  # noqa: E402

AGENT, PASSWORD = "1001", "demo"
PEAK_SIM_S = 1800.0  # the demo opens at the 10:00 peak; half an hour fills the floor
QUEUES = ("enquiry", "fault", "complaint")
SETTLE_S = 0.3  # between one call's wrap-up and the trainer's next call


class MeasuredDesk(ShellApp):
    """The real app; notes the server's emission time of every call offered to this agent."""

    # CSS paths are relative to the class's module: point at the app's own sheet.
    CSS_PATH = str(ROOT / "agent_tui" / "shell" / "shell.tcss")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered_wall: dict[str, float] = {}
        self.offered_arrival: dict[str, float] = {}  # when the feed handed the event over

    async def _on_feed_event(self, event: Event) -> None:
        if event.type == "call.offered" and event.agent_id == AGENT and event.call_id:
            self.offered_wall[event.call_id] = event.wall_time
            self.offered_arrival[event.call_id] = time.time()
        await super()._on_feed_event(event)


def start_server(speed: float, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        sys.executable, "-m", "server_stub.cli", "serve",
        "--port", str(port), "--db", str(workdir / "bench.sqlite"), "--speed", "0",
    ]  # fmt: skip
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped; see {workdir / 'server.log'}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return process, url
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start in time")


async def as_user(client: httpx.AsyncClient, user: str) -> dict[str, str]:
    response = await client.post("/v1/auth/login", json={"user_id": user, "password": PASSWORD})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def run(calls: int, speed: float, url: str, workdir: Path) -> list[float]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        admin = await as_user(client, "admin")
        trainer = await as_user(client, "t100")
        step = await client.post("/v1/admin/clock", json={"advance_s": PEAK_SIM_S}, headers=admin)
        step.raise_for_status()
        await client.post("/v1/admin/clock", json={"speed": speed}, headers=admin)

        app = MeasuredDesk(
            url,
            agent_id=AGENT,
            password=PASSWORD,
            data_dir=workdir / "desk",
            config_dir=workdir / "config",
            cursor_blink=False,
        )
        latencies: list[float] = []
        transport: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            while not (isinstance(app.screen, DeskScreen) and app.store.connection == "online"):
                await asyncio.sleep(0.05)
            card = app.screen.query_one(CustomerCard)
            done: set[str] = set()
            next_queue = 0
            quiet_until = 0.0
            deadline = time.monotonic() + 600
            while len(latencies) < calls and time.monotonic() < deadline:
                state = app.store
                if state.state in ("not_ready", "logged_out"):
                    await app.api.set_state("ready")
                elif state.state == "ready" and time.monotonic() >= quiet_until:
                    queue_id = QUEUES[next_queue % len(QUEUES)]
                    next_queue += 1
                    await client.post(
                        "/v1/trainer/calls", json={"queue_id": queue_id}, headers=trainer
                    )
                await asyncio.sleep(0.02)
                for call_id, rendered in list(card.rendered_at.items()):
                    if call_id in done or call_id not in app.offered_wall:
                        continue
                    done.add(call_id)
                    latencies.append((rendered - app.offered_wall[call_id]) * 1000)
                    transport.append(
                        (app.offered_arrival[call_id] - app.offered_wall[call_id]) * 1000
                    )
                    await finish_call(app, call_id)
                    # An agent takes a breath between calls: the desk has settled when the
                    # next one rings (natural calls may still ring sooner, and count).
                    quiet_until = time.monotonic() + SETTLE_S
                    if len(latencies) % 50 == 0:
                        print(f"  {len(latencies)} calls…", flush=True)
            app.exit()  # not action_quit: a natural call may be ringing, and it would ask
        print(
            f"of which server emission → desk feed: p50 {statistics.median(transport):.1f} ms,"
            f" p99 {percentile(transport, 0.99):.1f} ms"
        )
        return latencies


async def finish_call(app: ShellApp, call_id: str) -> None:
    """Answer, hang up and wrap up, ignoring a call that has already gone (timeout)."""
    api = app.api
    with contextlib.suppress(Exception):
        await api.answer(call_id)
        await api.hangup(call_id)
        await api.wrapup(call_id, WrapupRequest(code="resolved", notes="bench"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--speed", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-screen-pop-") as temp:
        workdir = Path(temp)
        process, url = start_server(args.speed, workdir)
        try:
            latencies = asyncio.run(run(args.calls, args.speed, url, workdir))
        finally:
            process.terminate()
            process.wait(timeout=10)
    if not latencies:
        raise SystemExit("no call was offered to the desk")
    print(f"calls measured: {len(latencies)} (speed {args.speed:g}×, demo centre at peak)")
    print(f"p50_ms={statistics.median(latencies):.1f}")
    print(f"max_ms={max(latencies):.1f}")
    print(f"p99_ms={percentile(latencies, 0.99):.1f}")


if __name__ == "__main__":
    main()
