"""An agent walking a flow script: where they are, how they got there, and undo.

Pure state, no I/O: the desk drives it from key presses and sends `path` with the
wrap-up (quality review and training replay it). `max_visits` on an option caps the
visits of its target step in one call, the first visit included.
"""

from __future__ import annotations

from collections.abc import Iterable

from server_stub.protocol.script_model import FlowScript, Option, Step


class ScriptWalkError(ValueError):
    """A choice the script does not allow here (unknown key, loop exhausted, already ended)."""


class ScriptWalker:
    def __init__(self, script: FlowScript) -> None:
        self.script = script
        self.current: str = script.start
        self.path: list[tuple[str, str]] = []  # (step id, key chosen there)
        self.visits: dict[str, int] = {script.start: 1}

    @classmethod
    def replay(cls, script: FlowScript, path: Iterable[tuple[str, str]]) -> ScriptWalker:
        """A walker that has made these choices (a saved draft, a recorded call)."""
        walker = cls(script)
        for step_id, key in path:
            if step_id != walker.current:
                raise ScriptWalkError(
                    f"the path says '{step_id}' but the walk is at '{walker.current}'"
                )
            walker.choose(key)
        return walker

    @property
    def step(self) -> Step:
        return self.script.steps[self.current]

    @property
    def finished(self) -> bool:
        return self.step.end is not None

    @property
    def outcome(self) -> str | None:
        end = self.step.end
        return end.outcome if end is not None else None

    def is_exhausted(self, option: Option) -> bool:
        """True when choosing `option` would visit its target more than `max_visits` times."""
        return (
            option.max_visits is not None and self.visits.get(option.next, 0) >= option.max_visits
        )

    def available_options(self) -> list[Option]:
        """The current step's options that may still be chosen (for the desk to list)."""
        return [option for option in self.step.options if not self.is_exhausted(option)]

    def choose(self, key: str) -> Step:
        """Follow the option with `key`; return the step it leads to."""
        if self.finished:
            raise ScriptWalkError(f"the script has ended at '{self.current}'")
        option = self.step.option(key)
        if option is None:
            keys = ", ".join(option.key for option in self.step.options)
            raise ScriptWalkError(f"no option {key!r} at step '{self.current}' (keys: {keys})")
        if self.is_exhausted(option):
            raise ScriptWalkError(
                f"option {key!r} at step '{self.current}' is used up:"
                f" '{option.next}' may be visited {option.max_visits} times"
            )
        self.path.append((self.current, key))
        self.current = option.next
        self.visits[self.current] = self.visits.get(self.current, 0) + 1
        return self.step

    def back(self) -> Step:
        """Undo the last choice; return the step the walk is back at."""
        if not self.path:
            raise ScriptWalkError("already at the start")
        self.visits[self.current] -= 1
        if self.visits[self.current] == 0:
            del self.visits[self.current]
        self.current, _ = self.path.pop()
        return self.step

    def breadcrumb(self) -> list[str]:
        """The step ids walked through, the current one last."""
        return [step_id for step_id, _ in self.path] + [self.current]
