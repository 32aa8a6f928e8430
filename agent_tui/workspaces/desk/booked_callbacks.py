"""The callbacks an agent books for its callers (issue 9): at a date and a time, listed,
cancelled.

`book_callback` opens the callback dialog (number, `2026-12-03 10:30` or `明天 10:30`,
note) on the centre's clock and books it (`POST /v1/callbacks`); when the centre refuses
(closed then: its words name the day's opening hours and the next opening) the dialog
comes back with what was typed and why, so nothing is lost. `show_booked_callbacks`
lists the agent's own booked callbacks, soonest first (`GET /v1/callbacks`), and cancels
the one picked after asking (`POST /v1/callbacks/{id}/cancel`, logged as
`callback.cancelled`). Both wait on the agent: run them in a worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from pydantic import ValidationError

from agent_tui.client.api import new_request_id
from agent_tui.client.errors import ApiError, ServerUnreachable
from agent_tui.ui.pickers import Choice, ChoicePicker
from agent_tui.ui.requests import attempt
from agent_tui.workspaces.base import shell_of
from agent_tui.workspaces.desk.callback_time import when_text
from agent_tui.workspaces.desk.dialogs import CallbackDialog
from server_stub.protocol.api import Callback, CallbackRequest

if TYPE_CHECKING:
    from agent_tui.client.state import ClientStore
    from agent_tui.workspaces.base import WorkspaceScreen

TITLE = "预约回呼 Callbacks"
CLOCK_UNKNOWN = "The centre's clock is not known yet: try again in a moment."


def centre_now(store: ClientStore) -> datetime | None:
    """The centre's date and time now (None before the centre's epoch is known)."""
    if store.epoch is None:
        return None
    return store.epoch + timedelta(seconds=store.sim_now())


def due_label(store: ClientStore, due_at: float) -> str:
    """A callback's sim time as the centre's calendar shows it: `2026-12-03 10:30`."""
    if store.epoch is None:
        return f"+{due_at / 3600:.1f} h"
    return when_text(store.epoch + timedelta(seconds=due_at))


async def book_callback(
    screen: WorkspaceScreen, *, customer_id: str, customer_name: str, number: str
) -> Callback | None:
    """Ask when, book it; a refusal brings the dialog back with the reason. The booked
    callback, or None when the agent gave up (Esc)."""
    shell = shell_of(screen)
    store = shell.store
    now = centre_now(store)
    if now is None or store.epoch is None:
        screen.notify(CLOCK_UNKNOWN, title=TITLE, severity="warning", timeout=4)
        return None
    request_id = new_request_id()  # the same for every try: a retry never books twice
    dialog = CallbackDialog(now=now, number=number, customer_name=customer_name)
    while True:
        choice = await screen.app.push_screen_wait(dialog)
        if choice is None:
            return None
        again = partial(  # the dialog back, with what was typed
            CallbackDialog,
            now=now,
            number=choice.number,
            customer_name=customer_name,
            when=when_text(choice.when),
            note=choice.note,
        )
        try:
            request = CallbackRequest(
                request_id=request_id,
                customer_id=customer_id,
                number=choice.number,
                due_at=(choice.when - store.epoch).total_seconds(),
                note=choice.note,
            )
        except ValidationError:
            dialog = again(error="The callback number is not a phone number.")
            continue
        try:
            callback = await shell.api.create_callback(request)
        except ApiError as refused:
            dialog = again(error=refused.message)
            continue
        except ServerUnreachable as lost:
            dialog = again(error=f"{lost}: Enter tries again.")
            continue
        screen.notify(
            f"Callback booked for {when_text(choice.when)} 已预约回呼 · "
            f"{shell.keymap.key('desk.callbacks')} lists your callbacks",
            title=TITLE,
            timeout=5,
        )
        return callback


async def show_booked_callbacks(screen: WorkspaceScreen) -> None:
    """The agent's booked callbacks, soonest first; Enter on one asks, then cancels it."""
    shell = shell_of(screen)
    store = shell.store
    ok, booked = await attempt(screen.notify, "list your callbacks", shell.api.my_callbacks())
    if not ok or booked is None:
        return
    if not booked:
        book = shell.keymap.key("call.callback")
        screen.notify(
            f"No callbacks booked. 暂无预约回呼 ({book} books one during a call)",
            title=TITLE,
            timeout=4,
        )
        return
    choices = [
        Choice(
            callback.id,
            f"{due_label(store, callback.due_at)} · {callback.customer_id} · {callback.number}",
            f" {callback.note}" if callback.note else "",
        )
        for callback in booked
    ]
    picked = await screen.app.push_screen_wait(
        ChoicePicker(f"{TITLE} ({len(booked)}) · Enter cancels one", choices)
    )
    chosen = next((callback for callback in booked if callback.id == picked), None)
    if chosen is None:
        return
    when = due_label(store, chosen.due_at)
    confirm = [
        Choice("cancel", f"Cancel the callback of {when} 取消回呼"),
        Choice("keep", "Keep it 保留"),
    ]
    answer = await screen.app.push_screen_wait(ChoicePicker(f"{chosen.number} · {when}", confirm))
    if answer != "cancel":
        return
    ok, _ = await attempt(
        screen.notify, "cancel the callback", shell.api.cancel_callback(chosen.id)
    )
    if ok:
        screen.notify(f"Callback of {when} cancelled 已取消回呼", title=TITLE, timeout=4)
