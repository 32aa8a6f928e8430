"""YAML that remembers where things were: a line for every key and item, duplicate keys.

PyYAML keeps the last of two equal keys in a mapping without a word; a script with two
steps of the same id must be an error, so mappings are built here from the composed node
tree (SafeLoader's own scalar rules), recording each key's line and every duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's parser (in PyYAML's wheels) composes the same nodes with the same marks, ten times
# faster than the pure-Python one: every script, centre, workflow and scenario file is read
# through it, at each start of a server (and of each test's server).
FastSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class DuplicateKey:
    path: Path  # the mapping holding the key
    key: PathPart
    line: int  # the repeat
    first_line: int


@dataclass
class LocatedYaml:
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest recorded parent (a missing field's mapping)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


def load_located_yaml(text: str) -> LocatedYaml:
    """Parse one YAML document; raise `YamlSyntaxError` with a line when it is not YAML."""
    loader = FastSafeLoader(text)
    try:
        root = loader.get_single_node()
        located = LocatedYaml(data=None, lines={(): 1})
        if root is not None:
            located.data = _Builder(loader, located).build(root, ())
        return located
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise YamlSyntaxError(line, message or "not valid YAML") from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(1, str(error)) from error
    finally:
        loader.dispose()


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, located: LocatedYaml) -> None:
        self._loader = loader
        self._located = located
        self._open: set[int] = set()  # ids of nodes being built, to refuse recursive aliases

    def build(self, node: yaml.Node, path: Path) -> Any:
        if id(node) in self._open:
            raise YamlSyntaxError(node.start_mark.line + 1, "an alias refers to its own parent")
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node, path)
            return self._loader.construct_object(node, deep=True)
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[PathPart, Any]:
        own_pairs = list(node.value)  # before merge keys (<<) are folded in
        first_lines: dict[Any, int] = {}
        for key_node, _ in own_pairs:
            key = self._key(key_node)
            line = key_node.start_mark.line + 1
            if key == "<<":
                continue
            if key in first_lines:
                self._located.duplicates.append(DuplicateKey(path, key, line, first_lines[key]))
            else:
                first_lines[key] = line
        self._loader.flatten_mapping(node)
        mapping: dict[PathPart, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            child = (*path, key)
            # the first definition's line, so that a duplicate's message points at both
            self._located.lines.setdefault(child, key_node.start_mark.line + 1)
            mapping[key] = self.build(value_node, child)
        return mapping

    def _sequence(self, node: yaml.SequenceNode, path: Path) -> list[Any]:
        items: list[Any] = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            self._located.lines[child] = item_node.start_mark.line + 1
            items.append(self.build(item_node, child))
        return items

    def _key(self, key_node: yaml.Node) -> PathPart:
        key = self.build(key_node, ())
        if isinstance(key, str | int) and not isinstance(key, bool):
            return key
        return str(key)  # a null, bool or complex key: keep it visible, never unhashable
