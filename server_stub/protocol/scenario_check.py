"""Reading and validating training scenarios: every problem with its file, line and item.

Like flow scripts (`script_check`), all problems come in one pass: a broken turn or action
is reported and left out, and the checks that follow run on the rest, so one typo does
not cascade. Given the centre (`CentreFacts`) and its scripts, a scenario is also checked
against them: the queue, script, customer, wrap-up codes and ticket categories exist; the
expected path is a walk the script allows from its start; turns and conditions name real
steps; and a trainee who does exactly what is expected can reach the top score.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, ClassVar

from pydantic import ValidationError

from server_stub.protocol.content_check import (
    Item,
    LocatedChecker,
    check_versioned_files,
    did_you_mean,
    has_errors,
    sorted_problems,
)
from server_stub.protocol.phrases import carries_phrase, phrase_steps
from server_stub.protocol.scenario_model import (
    ACTION_KINDS,
    ROLES,
    SHORTHAND_ARGUMENT,
    TURN_EVENTS,
    Condition,
    Expect,
    RequiredAction,
    Scenario,
    ScenarioCustomer,
    SyntheticCustomer,
    Turn,
)
from server_stub.protocol.script_model import STEP_ID, FlowScript, ScriptError, ScriptProblem
from server_stub.protocol.script_walker import ScriptWalker, ScriptWalkError
from server_stub.protocol.script_yaml import Path


@dataclass(frozen=True)
class CentreFacts:
    """What a scenario is checked against; the server builds it from its centre config
    (`server_stub.training.centre_facts`). A field left None is not checked."""

    queues: Mapping[str, tuple[str, ...]]  # queue id -> the scripts it offers
    wrapup_codes: frozenset[str] | None = None
    ticket_categories: frozenset[str] | None = None
    customer_ids: Container[str] | None = None
    agents: frozenset[str] | None = None
    tiers: frozenset[str] | None = None


def check_scenario_text(
    text: str,
    filename: str,
    centre: CentreFacts | None = None,
    scripts: Mapping[str, FlowScript] | None = None,
) -> tuple[Scenario | None, list[ScriptProblem]]:
    """The scenario (None when any error was found) and every problem, sorted by line."""
    checker = _ScenarioChecker(filename, centre, scripts)
    scenario = checker.run(text)
    problems = sorted_problems(checker.problems)
    return (None if has_errors(problems) else scenario), problems


def parse_scenario(
    text: str,
    filename: str = "<scenario>",
    centre: CentreFacts | None = None,
    scripts: Mapping[str, FlowScript] | None = None,
) -> Scenario:
    """The scenario, or `ScriptError` listing every problem when there is any error."""
    scenario, problems = check_scenario_text(text, filename, centre, scripts)
    if scenario is None:
        raise ScriptError(problems)
    return scenario


def check_scenarios(
    path_or_dir: str | FilePath,
    centre_config: CentreFacts | None = None,
    scripts: Mapping[str, FlowScript] | None = None,
) -> list[ScriptProblem]:
    """Every problem in a scenario file, or in every `*.yaml` of a folder (the CLI's check),
    with two files of one scenario id and version reported too."""
    return _check_paths(path_or_dir, centre_config, scripts)[1]


def _check_paths(
    path_or_dir: str | FilePath,
    centre: CentreFacts | None,
    scripts: Mapping[str, FlowScript] | None,
) -> tuple[dict[tuple[str, int], Scenario], list[ScriptProblem]]:
    def check(text: str, filename: str) -> tuple[Scenario | None, list[ScriptProblem]]:
        return check_scenario_text(text, filename, centre, scripts)

    return check_versioned_files(path_or_dir, check, "scenario")


def load_scenarios(
    path_or_dir: str | FilePath,
    centre: CentreFacts | None = None,
    scripts: Mapping[str, FlowScript] | None = None,
) -> dict[tuple[str, int], Scenario]:
    """Every scenario by (id, version); `ScriptError` if any file has an error."""
    scenarios, problems = _check_paths(path_or_dir, centre, scripts)
    if has_errors(problems):
        raise ScriptError(problems)
    return scenarios


_HEADER_FIELDS = ", ".join(("scenario", "version", "title", "difficulty", "queue", "script"))


class _ScenarioChecker(LocatedChecker):
    moved: ClassVar[Mapping[str, str]] = {  # DESIGN.md's draft had it under expect
        "within_s": "time limits are under limits: call_within_s"
    }

    def __init__(
        self,
        filename: str,
        centre: CentreFacts | None,
        scripts: Mapping[str, FlowScript] | None,
    ) -> None:
        super().__init__(filename)
        self.centre = centre
        self.scripts = scripts
        self.script: FlowScript | None = None

    def run(self, text: str) -> Scenario | None:
        data = self.load(text)
        if data is None and self.problems:
            return None
        if not isinstance(data, dict):
            message = f"a scenario is a mapping with {_HEADER_FIELDS}, customer, expect, score"
            self.report((), message)
            return None
        self.report_duplicates({("turns",): "turn"})
        self.script = self.find_script(data)
        customer = self.parse_customer(data.get("customer"))
        turns = self.parse_turns(data.get("turns"))
        expect, actions_ok = self.parse_expect(data.get("expect"))
        header = dict(data)
        for name, parsed in (("customer", customer), ("turns", turns), ("expect", expect)):
            if isinstance(data.get(name), dict):
                header[name] = parsed if parsed is not None else _PLACEHOLDERS[name]
        scenario = self.validate(Scenario, header, (), None)
        self.check_queue(data)
        if expect is not None:
            self.check_expect(expect)
        if isinstance(data.get("score"), dict) and expect is not None:
            self.check_weights(data, expect)
        if customer is not None:
            self.check_customer(customer)
        return scenario if actions_ok and None not in (customer, turns, expect) else None

    # -- the centre -----------------------------------------------------------------

    def find_script(self, data: dict[Any, Any]) -> FlowScript | None:
        script_id = data.get("script")
        if self.scripts is None or not isinstance(script_id, str):
            return None
        script = self.scripts.get(script_id)
        if script is None:
            hint = did_you_mean(script_id, self.scripts)
            self.report(("script",), f"script '{script_id}' does not exist{hint}")
        return script

    def check_queue(self, data: dict[Any, Any]) -> None:
        queue, script_id = data.get("queue"), data.get("script")
        if self.centre is None or not isinstance(queue, str):
            return
        if queue not in self.centre.queues:
            hint = did_you_mean(queue, self.centre.queues)
            self.report(("queue",), f"queue '{queue}' does not exist{hint}")
            return
        offered = self.centre.queues[queue]
        if isinstance(script_id, str) and offered and script_id not in offered:
            message = f"queue '{queue}' offers {', '.join(offered)}, not script '{script_id}'"
            self.warn(("script",), message)

    def check_customer(self, customer: ScenarioCustomer) -> None:
        centre = self.centre
        if centre is None:
            return
        known = centre.customer_ids
        if customer.id is not None and known is not None and customer.id not in known:
            self.report(("customer", "id"), f"customer '{customer.id}' does not exist")
        synthetic = customer.synthetic
        tiers_known = centre.tiers
        if synthetic is not None and tiers_known is not None and synthetic.tier not in tiers_known:
            tiers = ", ".join(sorted(tiers_known))
            message = f"tier '{synthetic.tier}' is not one of the centre's ({tiers})"
            self.warn(("customer", "synthetic", "tier"), message)

    # -- the customer and the turns -------------------------------------------------

    def parse_customer(self, raw: Any) -> ScenarioCustomer | None:
        if raw is None:
            return None  # the header check reports the missing field
        return self.validate(ScenarioCustomer, raw, ("customer",), None)

    def parse_turns(self, raw: Any) -> dict[str, list[Turn]] | None:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            message = "turns is a mapping of script step or desk event to what the caller says"
            self.report(("turns",), message)
            return None
        turns: dict[str, list[Turn]] = {}
        broken = False
        for key, value in raw.items():
            item: Item = ("turn", str(key))
            self.check_turn_key(key, item)
            branches = self.parse_branches(key, value, item)
            if branches is None:
                broken = True
            else:
                turns[str(key)] = branches
        return None if broken else turns

    def check_turn_key(self, key: Any, item: Item) -> None:
        path: Path = ("turns", key)
        if not isinstance(key, str) or not STEP_ID.fullmatch(key):
            self.report(path, "a turn is keyed by a script step id or a desk event", item)
            return
        if key in TURN_EVENTS:
            return
        script = self.script
        if script is not None and key not in script.steps:
            hint = did_you_mean(key, [*script.steps, *TURN_EVENTS])
            message = f"not a step of script '{script.id}' or a desk event{hint}"
            self.report(path, message, item)
        elif key.startswith("on_"):
            events = ", ".join(TURN_EVENTS)
            hint = did_you_mean(key, TURN_EVENTS)
            self.report(path, f"unknown desk event '{key}'{hint}; the events are {events}", item)

    def parse_branches(self, key: Any, value: Any, item: Item) -> list[Turn] | None:
        base: Path = ("turns", key)
        if isinstance(value, str | dict):
            entries: list[tuple[Path, Any]] = [(base, value)]
        elif isinstance(value, list) and value:
            entries = [((*base, index), entry) for index, entry in enumerate(value)]
        else:
            message = "a turn is a line, a mapping {says, mood, …}, or a list of branches"
            self.report(base, message, item)
            return None
        branches: list[Turn] = []
        broken = False
        for index, (path, entry) in enumerate(entries):
            raw = {"says": entry} if isinstance(entry, str) else entry
            turn = self.validate(Turn, raw, path, item)
            if turn is None:
                broken = True
                self.check_condition(key, _quiet_condition(raw), (*path, "when"), item)
                continue
            if turn.when is None and index < len(entries) - 1:
                message = f"branch {index + 1} has no 'when', so the branches after it never apply"
                self.report(path, message, item)
            self.check_turn(key, turn, path, item)
            branches.append(turn)
        return None if broken else branches

    def check_turn(self, key: Any, turn: Turn, path: Path, item: Item) -> None:
        is_event = key in TURN_EVENTS
        if turn.verifies is not None and is_event:
            self.warn((*path, "verifies"), "verifies belongs to a script step's turn", item)
        self.check_condition(key, turn.when, (*path, "when"), item)

    def check_condition(
        self, key: Any, condition: Condition | None, where: Path, item: Item
    ) -> None:
        if condition is None:
            return
        is_event = key in TURN_EVENTS
        if condition.visit is not None and is_event:
            self.report((*where, "visit"), "visit counts a script step's visits", item)
        for name in ("done", "not_done"):
            for kind in getattr(condition, name):
                if kind not in ACTION_KINDS:
                    hint = did_you_mean(kind, ACTION_KINDS)
                    self.report((*where, name), f"'{kind}' is not a desk action{hint}", item)
        if self.script is not None:
            for name in ("visited", "not_visited"):
                for step in getattr(condition, name):
                    self.check_step_exists(step, (*where, name), item)

    def check_step_exists(self, step: str, path: Path, item: Item) -> bool:
        script = self.script
        if script is None or step in script.steps:
            return True
        hint = did_you_mean(step, script.steps)
        self.report(path, f"'{step}' is not a step of script '{script.id}'{hint}", item)
        return False

    # -- what is expected -----------------------------------------------------------

    def parse_expect(self, raw: Any) -> tuple[Expect | None, bool]:
        """What is expected (with the valid actions only, so the path is still checked when
        an action is broken), and whether every action was valid."""
        if raw is None:
            return None, True
        if not isinstance(raw, dict):
            self.report(("expect",), "expect is a mapping with path, actions, phrases, wrapup")
            return None, True
        actions, actions_ok = self.parse_actions(raw.get("actions"))
        fields = dict(raw)
        if isinstance(raw.get("actions"), list):
            fields["actions"] = actions
        return self.validate(Expect, fields, ("expect",), None), actions_ok

    def parse_actions(self, raw: Any) -> tuple[list[RequiredAction], bool]:
        if raw is None:
            return [], True
        if not isinstance(raw, list):
            self.report(("expect", "actions"), "actions is a list: - verify_identity, - ticket: …")
            return [], False
        parsed = [self.parse_action(index, entry) for index, entry in enumerate(raw)]
        actions = [action for action in parsed if action is not None]
        return actions, len(actions) == len(parsed)

    def parse_action(self, index: int, entry: Any) -> RequiredAction | None:
        path: Path = ("expect", "actions", index)
        if isinstance(entry, str):
            kind, args = entry, None
        elif isinstance(entry, dict) and len(entry) == 1:
            kind, args = next(iter(entry.items()))
        else:
            message = "an action is a name (verify_identity) or one name with its arguments"
            self.report(path, message, ("action", str(index + 1)))
            return None
        item: Item = ("action", f"{index + 1} {kind}")
        if kind not in ACTION_KINDS:
            hint = did_you_mean(kind, ACTION_KINDS)
            self.report(path, f"'{kind}' is not a desk action{hint}", item)
            return None
        arg_path: Path = (*path, kind) if isinstance(entry, dict) else path
        fields = self.action_fields(str(kind), args, arg_path, item)
        if fields is None:
            return None
        action = self.validate(RequiredAction, {"kind": kind, **fields}, arg_path, item)
        if action is not None:
            self.check_action(action, arg_path, item)
        return action

    def action_fields(self, kind: str, args: Any, path: Path, item: Item) -> dict[str, Any] | None:
        allowed = ACTION_KINDS[kind]
        if args is None:
            return {}
        if not isinstance(args, dict):
            shorthand = SHORTHAND_ARGUMENT.get(kind)
            if shorthand is None:
                self.report(path, f"action '{kind}' takes no arguments", item)
                return None
            if kind in ("transfer", "consult") and args not in ROLES:
                shorthand = "queue"  # `transfer: complaint` names a queue
            return {shorthand: args}
        unknown = [name for name in args if name not in allowed]
        for name in unknown:
            takes = ", ".join(allowed) if allowed else "no arguments"
            hint = did_you_mean(name, allowed)
            self.report((*path, name), f"action '{kind}' takes {takes}, not '{name}'{hint}", item)
        return None if unknown else dict(args)

    def check_action(self, action: RequiredAction, path: Path, item: Item) -> None:
        kind = action.kind
        if kind in ("transfer", "consult"):
            targets = [name for name in ("queue", "agent", "role") if getattr(action, name)]
            if len(targets) > 1:
                self.report(path, f"a {kind} names one of queue, agent or role", item)
            if action.role is not None and action.role not in ROLES:
                hint = did_you_mean(action.role, ROLES)
                roles = ", ".join(ROLES)
                self.report((*path, "role"), f"unknown role '{action.role}' ({roles}){hint}", item)
        if kind == "step" and action.id is None:
            self.report(path, "action 'step' names the step: step: {id: …}", item)
        self.check_action_in_centre(action, path, item)
        self.check_action_in_script(action, path, item)

    def check_action_in_centre(self, action: RequiredAction, path: Path, item: Item) -> None:
        centre = self.centre
        if centre is None:
            return
        categories = centre.ticket_categories
        category = action.category
        if category is not None and categories is not None and category not in categories:
            hint = did_you_mean(category, categories)
            message = f"ticket category '{category}' does not exist{hint}"
            self.report((*path, "category"), message, item)
        if action.queue is not None and action.queue not in centre.queues:
            hint = did_you_mean(action.queue, centre.queues)
            self.report((*path, "queue"), f"queue '{action.queue}' does not exist{hint}", item)
        agents = centre.agents
        if action.agent is not None and agents is not None and action.agent not in agents:
            self.report((*path, "agent"), f"agent '{action.agent}' does not exist", item)

    def check_action_in_script(self, action: RequiredAction, path: Path, item: Item) -> None:
        script = self.script
        if script is None:
            return
        if action.kind == "verify_identity":
            if self.check_step_exists(action.verify_step, (*path, "step"), item):
                step = script.steps[action.verify_step]
                if step.option(action.verify_key) is None:
                    keys = ", ".join(option.key for option in step.options) or "none"
                    message = (
                        f"step '{action.verify_step}' has no option '{action.verify_key}'"
                        f" (keys: {keys})"
                    )
                    self.report((*path, "key"), message, item)
        elif action.kind == "step" and action.id is not None:
            self.check_step_exists(action.id, (*path, "id"), item)
        elif action.kind == "hold_with_phrase" and not phrase_steps(script, "hold"):
            message = (
                f"no step of script '{script.id}' carries the hold phrase: only a hold the"
                " desk confirms can count"
            )
            self.warn(path, message, item)

    def check_expect(self, expect: Expect) -> None:
        self.check_path(expect)
        self.check_never(expect)
        self.check_wrapup(expect)

    def check_path(self, expect: Expect) -> None:
        script = self.script
        if script is None:
            return
        base: Path = ("expect", "path")
        known = [
            self.check_step_exists(step, (*base, index), ("path step", step))
            for index, step in enumerate(expect.path)
        ]
        if not all(known):
            return
        first = expect.path[0]
        if first != script.start:
            message = f"the path starts at '{first}'; script '{script.id}' starts at"
            message += f" '{script.start}'"
            self.report((*base, 0), message, ("path step", first))
            return
        walker = ScriptWalker(script)
        for index, target in enumerate(expect.path[1:], start=1):
            options = [o for o in walker.step.options if o.next == target]
            choice = next((o for o in options if not walker.is_exhausted(o)), None)
            item: Item = ("path step", target)
            if choice is None:
                reason = "used up (max_visits)" if options else "not an option"
                message = f"'{walker.current}' -> '{target}' is {reason} in script '{script.id}'"
                self.report((*base, index), message, item)
                return
            try:
                walker.choose(choice.key)
            except ScriptWalkError as error:  # pragma: no cover - the options were checked
                self.report((*base, index), str(error), item)
                return
        last = expect.path[-1]
        if not walker.finished:
            self.warn((*base, len(expect.path) - 1), f"the path stops at '{last}', not an end step")
        self.check_phrases_reachable(expect, script)

    def check_phrases_reachable(self, expect: Expect, script: FlowScript) -> None:
        """A trainee who follows the expected path must be able to use each phrase scored."""
        first, last = script.steps[expect.path[0]], script.steps[expect.path[-1]]
        path: Path = ("expect", "phrases")
        if "greeting" in expect.phrases and not carries_phrase(first, "greeting"):
            message = f"the path opens at '{expect.path[0]}', which has no greeting phrase"
            self.report(path, message + ": drop greeting from expect.phrases")
        if "closing" in expect.phrases and not carries_phrase(last, "closing"):
            message = f"the path ends at '{expect.path[-1]}', which has no closing phrase"
            self.report(path, message + ": drop closing from expect.phrases")

    def check_never(self, expect: Expect) -> None:
        for index, step in enumerate(expect.never):
            path: Path = ("expect", "never", index)
            if not self.check_step_exists(step, path, ("never step", step)):
                continue
            if step in expect.path:
                message = f"'{step}' is on the expected path and also in never"
                self.report(path, message, ("never step", step))

    def check_wrapup(self, expect: Expect) -> None:
        wrapup = expect.wrapup
        if wrapup is None:
            return
        codes = self.centre.wrapup_codes if self.centre is not None else None
        unknown = [code for code in wrapup.code if codes is not None and code not in codes]
        for code in unknown:
            hint = did_you_mean(code, codes or ())
            path: Path = ("expect", "wrapup", "code", wrapup.code.index(code))
            self.report(path, f"'{code}' is not a wrap-up code{hint}")
        if unknown:
            return  # the outcome is compared with codes that exist, once they are right
        script = self.script
        last = script.steps.get(expect.path[-1]) if script is not None else None
        if last is not None and last.end is not None and last.end.outcome not in wrapup.code:
            message = (
                f"the path ends with outcome '{last.end.outcome}', which is not among the"
                f" expected wrap-up codes ({', '.join(wrapup.code)})"
            )
            self.warn(("expect", "wrapup", "code"), message)

    def check_weights(self, data: dict[Any, Any], expect: Expect) -> None:
        """A weight needs something to score; what the file gives should carry a weight."""
        weights = data["score"]
        raw_expect = data.get("expect") if isinstance(data.get("expect"), dict) else {}
        raw_limits = data.get("limits") if isinstance(data.get("limits"), dict) else {}
        written = {  # what the file itself says (a broken action is reported on its own)
            "actions": bool((raw_expect or {}).get("actions")),
            "phrases": "phrases" in (raw_expect or {}),
            "time": any(value is not None for value in (raw_limits or {}).values()),
            "wrapup": expect.wrapup is not None,
        }
        scorable = {**written, "phrases": bool(expect.phrases)}  # phrases has a default
        what = {
            "actions": "expect.actions",
            "phrases": "expect.phrases",
            "time": "limits",
            "wrapup": "expect.wrapup",
        }
        numbers = {k: v for k, v in weights.items() if isinstance(v, int | float)}
        if numbers and sum(numbers.values()) <= 0:
            self.report(("score",), "the weights add up to 0: nothing would be scored")
        for name, weight in numbers.items():
            if weight > 0 and not scorable.get(name, True):
                message = f"weight {weight}, but the scenario gives no {what[name]}"
                self.report(("score", name), message, ("weight", str(name)))
        for name, present in written.items():
            if present and not numbers.get(name):
                message = f"{what[name]} is given but not scored (score.{name} is 0)"
                self.warn(("score",), message, ("weight", name))


def _quiet_condition(raw: Any) -> Condition | None:
    """The `when` of a turn that failed elsewhere, so its steps and actions are still checked
    (its own errors were reported with the turn's)."""
    when = raw.get("when") if isinstance(raw, dict) else None
    try:
        return Condition.model_validate(when) if isinstance(when, dict) else None
    except ValidationError:
        return None


# A part that failed to parse still lets the header be checked for its own fields.
_PLACEHOLDERS: dict[str, Any] = {
    "customer": ScenarioCustomer(synthetic=SyntheticCustomer(name="-")),
    "turns": {},
    "expect": Expect(path=["-"]),
}
