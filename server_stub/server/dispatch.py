"""Commands from people, applied to the engine: the one place the two meet.

Live requests and journal replay both go through `CommandDispatcher.apply`, so both see the
same sequence of events. Kinds are the server's own, stable names: the journal outlives
engine refactors. Arguments are in the engine's terms (`RunFrame.engine_args`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server_stub.centre.schema import CentreConfig
from server_stub.engine import Engine, EngineError
from server_stub.server.callback_placing import place_booked_callback
from server_stub.server.ticket_runtime import place_callback


class CommandDispatcher:
    """Applies a command to an engine, then fires what it made due at once (routing a call,
    say). Everything that can be refused raises `EngineError` before anything changes."""

    def __init__(self, config: CentreConfig, wire_call_id: Callable[[str], str] = str) -> None:
        self._reason_codes = frozenset(c.code for c in config.reason_codes)
        # an engine call id as the wire names it (the run's frame): server-recorded events
        # that name a call carry the wire's id
        self._wire_call_id = wire_call_id

    def apply(self, engine: Engine, kind: str, args: dict[str, Any]) -> Any:
        result = self._apply(engine, kind, args)
        engine.advance_to(engine.now)
        return result

    def _apply(self, engine: Engine, kind: str, args: dict[str, Any]) -> Any:
        match kind:
            case "record":
                return engine.record(
                    args["type"],
                    call_id=args.get("call_id"),
                    agent_id=args.get("agent_id"),
                    queue_id=args.get("queue_id"),
                    data=args.get("data"),
                )
            case "companion":  # a human's command to a companion (acknowledge an alert)
                return engine.companion_command(args["name"], args["method"], args["args"])
            case "inject_call":
                return engine.place_call(args["queue_id"], customer_id=args.get("customer_id"))
            case "set_state":
                return self._set_agent_state(
                    engine, args["agent_id"], args["state"], args.get("reason")
                )
            case "set_pending":
                return engine.set_pending(args["agent_id"], args["state"], args.get("reason"))
            case "clear_pending":
                return engine.set_pending(args["agent_id"], None)
            case "hold":
                return engine.hold(
                    args["agent_id"],
                    args["call_id"],
                    bool(args.get("phrase", False)),
                    args.get("script_step"),
                )
            case "survey":  # the caller goes to the post-call survey (IN8)
                return engine.hangup(args["agent_id"], args["call_id"], survey=True)
            case "caller_hangup":  # a training session's caller gives up
                return engine.caller_hangup(args["call_id"])
            case "answer" | "reject" | "retrieve" | "hangup":
                return getattr(engine, kind)(args["agent_id"], args["call_id"])
            case "transfer":
                return engine.transfer(
                    args["agent_id"],
                    args["call_id"],
                    to_agent=args.get("to_agent"),
                    to_queue=args.get("to_queue"),
                    mode=args["mode"],
                )
            case "consult":
                return engine.consult_action(args["agent_id"], args["call_id"], args["action"])
            case "dial":
                return engine.dial(args["agent_id"], args["number"], args.get("customer_id"))
            case "save_wrapup_notes":
                return engine.save_wrapup_notes(
                    args["agent_id"], args["call_id"], args["notes"], args.get("script_path", [])
                )
            case "extend_wrapup":
                return engine.extend_wrapup(args["agent_id"], args["call_id"])
            case "wrapup":
                return engine.complete_wrapup(
                    args["agent_id"],
                    args["call_id"],
                    args["code"],
                    args.get("notes", ""),
                    args.get("script_path", []),
                )
            case "place_callback":
                return place_callback(engine, args["ticket_id"], args.get("number"))
            case "place_booked_callback":
                return place_booked_callback(engine, args, self._wire_call_id)
        raise ValueError(f"unknown command {kind!r}")

    def _set_agent_state(
        self, engine: Engine, agent_id: str, state: str, reason: str | None
    ) -> None:
        """Logging in is a state change on the wire; the engine has a separate `login`.
        Everything that can be refused is checked before the login, so that a refused
        command changes nothing (only applied commands are journaled)."""
        current = engine.agent_view(agent_id)["state"]
        if current != "logged_out" or state == "logged_out":
            engine.set_state(agent_id, state, reason)
            return
        codes = self._reason_codes
        if state == "not_ready" and reason is not None and codes and reason not in codes:
            raise EngineError("invalid_reason", f"{reason!r} is not a reason code")
        engine.login(agent_id)
        if state == "ready":
            engine.set_state(agent_id, "ready")
        elif reason is not None:
            engine.set_state(agent_id, "not_ready", reason)
