"""Every action a user can bind: one id each, the contract between keymaps and screens.

Keys are not here: `keymaps/default.toml` is the one source of default keys, and
`keymap.py` turns this table plus the chosen keymap into Textual bindings. The command
palette and the help screen list the same table, so every bindable action is also
reachable by name. A scope says where an action works: `app` everywhere (the shell),
the others on their workspace's screen only; two scopes other than `app` never see the
same key at the same time, so they may share keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["app", "desk", "supervisor", "trainer", "quality", "backoffice", "staffing"]


@dataclass(frozen=True, slots=True)
class Action:
    id: str  # binding id, used in keymap files and in scripts' {key:<id>}
    action: str  # Textual action name on the scope's screen or app
    description: str  # shown in the key hints, help screen and command palette
    scope: Scope
    show: bool = True  # shown in the key hints


ACTIONS: tuple[Action, ...] = (
    Action("app.help", "help", "Keys", "app"),
    Action("app.palette", "command_palette", "Commands", "app", show=False),
    Action("app.switch", "switch_workspace", "Switch workspace", "app"),
    Action("app.logout", "logout", "Log out", "app", show=False),
    Action("app.quit", "quit", "Quit", "app", show=False),
    Action("agent.ready", "ready", "Ready", "desk"),
    Action("agent.not_ready", "not_ready", "Not ready", "desk"),
    Action("agent.pending", "pending", "After call", "desk", show=False),
    Action("call.answer", "answer", "Answer", "desk"),
    Action("call.reject", "reject", "Reject", "desk"),
    Action("call.hold", "toggle_hold", "Hold", "desk"),
    # Who is calling: early in the hints, an unknown caller's first need (IN5).
    Action("desk.caller", "find_caller", "Find caller", "desk"),
    Action("desk.knowledge", "open_knowledge", "Knowledge", "desk", show=False),
    Action("call.transfer", "transfer", "Transfer", "desk"),
    Action("call.consult", "consult", "Consult", "desk"),
    Action("call.conference", "conference", "Conference", "desk"),
    Action("call.hangup", "hangup", "Hang up", "desk"),
    Action("call.dial", "dial", "Dial", "desk", show=False),
    Action("call.callback", "callback", "Callback", "desk", show=False),
    Action("desk.script", "focus_script", "Script", "desk", show=False),
    Action("desk.ticket", "focus_ticket", "Ticket", "desk"),
    Action("ticket.submit", "submit_ticket", "Save ticket", "desk", show=False),
    Action("desk.wrapup", "wrapup", "Wrap up", "desk"),
    Action("desk.extend_wrapup", "extend_wrapup", "More wrap-up time", "desk", show=False),
    Action("desk.messages", "messages", "Messages", "desk", show=False),
    Action(
        "desk.acknowledge_violation",
        "acknowledge_violation",
        "Acknowledge violation",
        "desk",
        show=False,
    ),
    Action("desk.tickets", "track_tickets", "My tickets", "desk", show=False),  # TK2
    Action("desk.callback_outcome", "callback_outcome", "Callback outcome", "desk", show=False),
    Action("desk.callbacks", "booked_callbacks", "My callbacks", "desk", show=False),  # booked
    # TR2: replay a training scenario alone, between calls
    Action("desk.practice", "practice", "Practise a scenario", "desk", show=False),
    # The end of a call and the agent's day (issue 9: IN8, ST3).
    Action("call.survey", "survey", "Send to survey", "desk", show=False),
    Action("desk.my_shift", "my_shift", "My shift", "desk", show=False),
    Action("supervisor.message", "message", "Message", "supervisor"),
    Action("supervisor.refresh", "refresh", "Refresh", "supervisor"),
    Action("supervisor.acknowledge", "acknowledge", "Acknowledge", "supervisor"),
    Action("supervisor.filter", "filter", "Filter", "supervisor"),
    Action("supervisor.sort", "sort", "Sort", "supervisor"),
    Action("supervisor.follow", "follow", "Follow", "supervisor"),
    Action("supervisor.window", "window", "Interval/today", "supervisor"),
    Action("supervisor.act", "act", "Act on agent", "supervisor"),
    Action("supervisor.broadcast", "broadcast", "Broadcast", "supervisor"),
    Action("supervisor.listen", "listen", "Listen in", "supervisor"),
    Action("supervisor.attendance", "attendance", "Attendance", "supervisor"),
    Action("supervisor.violation", "violation", "Record violation", "supervisor"),
    Action("supervisor.wallboard", "wallboard", "Wallboard", "supervisor"),
    Action("supervisor.wall_next", "wall_next", "Next view", "supervisor"),
    Action("supervisor.wall_cycle", "wall_cycle", "Cycle views", "supervisor"),
    # the staffing view (issue 10 item 6), its own scope: a screen over the monitor
    Action("supervisor.staffing", "staffing", "Staffing", "supervisor"),
    # coaching tasks from quality evaluations (issue 12, QA3): a screen over the monitor
    Action("supervisor.coaching", "coaching", "Coaching", "supervisor"),
    Action("staffing.queue", "next_queue", "Queue", "staffing"),
    Action("staffing.source", "source", "Source", "staffing"),
    Action("staffing.fewer", "fewer", "−1", "staffing"),
    Action("staffing.more", "more", "+1", "staffing"),
    Action("staffing.breaks", "breaks", "Breaks", "staffing"),
    Action("staffing.run", "run", "Run", "staffing"),
    Action("staffing.reset", "reset", "Clear", "staffing"),
    Action("trainer.send_caller", "send_caller", "Send a caller", "trainer"),
    Action("trainer.refresh", "refresh", "Refresh", "trainer", show=False),
    Action("trainer.session", "start_session", "Start session", "trainer"),
    # TR2: a scenario to every idle agent while traffic is low
    Action("trainer.push", "push_scenario", "Push to idle", "trainer", show=False),
    Action("trainer.pause", "pause_session", "Pause/resume", "trainer"),
    Action("trainer.step", "step_session", "Step", "trainer"),
    Action("trainer.angrier", "angrier", "Angrier", "trainer"),
    Action("trainer.calmer", "calmer", "Calmer", "trainer"),
    # rare, and the footer is full at 120 columns: on the help screen (F1) and the palette
    Action("trainer.second_caller", "second_caller", "Second caller", "trainer", show=False),
    Action("trainer.whisper", "whisper", "Whisper", "trainer"),
    # End a session before its score: the trainee's live seat goes back to what it was.
    Action("trainer.stop", "stop_session", "Stop session", "trainer", show=False),
    Action("trainer.replay", "replay", "Replay", "trainer"),
    Action("trainer.speed", "speed", "Speed", "trainer"),
    Action("trainer.draft", "draft", "Scenario draft", "trainer"),
    Action("trainer.back", "back", "Back", "trainer"),
    Action("quality.ticket", "find_ticket", "Find a ticket", "quality"),
    Action("quality.sample", "sample", "Sample", "quality"),
    Action("quality.evaluate", "evaluate", "Evaluate", "quality"),
    Action("quality.calibrate", "calibrate", "Calibrate", "quality"),
    Action("quality.statistics", "statistics", "Statistics", "quality"),
    Action("quality.mark", "mark", "Mark", "quality"),
    Action("quality.na", "not_applicable", "N/A", "quality"),
    Action("quality.comments", "comments", "Comments", "quality"),
    Action("quality.confirm", "confirm", "Confirm", "quality"),
    # on a confirmed scorecard: a one-to-one coaching task for the team leader (QA3)
    Action("quality.coach", "coach", "Coaching", "quality"),
    Action("quality.period", "period", "Day/month/year", "quality"),
    Action("quality.back", "back", "Back", "quality"),
    Action("backoffice.ticket", "find_ticket", "Find a ticket", "backoffice"),
    Action("backoffice.pull", "pull_next", "Pull next", "backoffice"),
    Action("backoffice.act", "act", "Act on ticket", "backoffice"),
    Action("backoffice.refresh", "refresh", "Refresh", "backoffice"),
)

ACTIONS_BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}


def actions_of(scope: Scope) -> tuple[Action, ...]:
    return tuple(action for action in ACTIONS if action.scope == scope)
