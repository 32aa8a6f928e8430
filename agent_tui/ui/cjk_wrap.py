"""Line breaking for mixed Chinese and English text, by the kinsoku rules (禁则).

Rich folds a run of Chinese characters anywhere, so a closing mark can start a line
("。 / Hello"). `Paragraph` wraps a `Text` itself at render time: a line may break between
two CJK characters or at a space, never before a closing mark (。，、！？：；）」』】…) and
never after an opening one (（「『【“…), the rule of GB/T 15834 and JIS X 4051; a Latin word
stays whole unless it is wider than the line. Continuation lines keep a hanging indent, so
an option's label or a field's value lines up under its first line at 80 columns.
`Trail` wraps a trail of steps (`main 1 › enquiry_menu 0`) between its steps only.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# May not begin a line (closing punctuation, small kana, iteration marks).
NO_LINE_START = frozenset(
    "。．，、,.!?！？：；:;)）]］}｝」』】〕〗〙〛》〉”’…‥·・ー々ゝゞヽヾぁぃぅぇぉっゃゅょァィゥェォッャュョ%％"
)
# May not end a line (opening punctuation).
NO_LINE_END = frozenset("(（[［{｛「『【〔〖〘〚《〈“‘")


def _is_wide(char: str) -> bool:
    return cell_len(char) == 2


def break_offsets(plain: str, width: int, indent: int = 0) -> list[int]:
    """Where the lines of `plain` start (after the first), for a line `width` cells wide
    and continuation lines indented by `indent` cells."""
    offsets: list[int] = []
    line_start = 0
    used = 0
    last_break: int | None = None  # the best offset to break at on this line
    index = 0
    limit = width
    while index < len(plain):
        char = plain[index]
        if char == "\n":
            offsets.append(index + 1)
            line_start, used, last_break, limit = index + 1, 0, None, width
            index += 1
            continue
        if index > line_start and _may_break_before(plain, index):
            last_break = index
        used += cell_len(char)
        if used > limit and index > line_start:
            cut = last_break if last_break is not None and last_break > line_start else index
            while cut < len(plain) and plain[cut] == " ":
                cut += 1  # the spaces at the break go with it
            offsets.append(cut)
            line_start, last_break, limit = cut, None, max(1, width - indent)
            used = cell_len(plain[cut : index + 1]) if cut <= index else 0
        index += 1
    return [o for o in offsets if 0 < o < len(plain)]


def _may_break_before(plain: str, index: int) -> bool:
    before, char = plain[index - 1], plain[index]
    if char in NO_LINE_START or before in NO_LINE_END:
        return False
    if before == " ":
        return char != " "
    return _is_wide(before) or _is_wide(char)


def wrap(text: Text, width: int, indent: int = 0) -> Text:
    """`text` with its line breaks put in by the kinsoku rules (styles kept)."""
    if width <= 0:
        return text
    offsets = break_offsets(text.plain, width, indent)
    if not offsets:
        return text
    lines = text.divide(offsets)
    joined = Text(no_wrap=True, end=text.end, justify=text.justify)
    for number, line in enumerate(lines):
        if number and text.plain[offsets[number - 1] - 1] != "\n":  # a break of ours
            joined.append("\n")
            joined.append(" " * indent)
        if number < len(lines) - 1 and text.plain[offsets[number] - 1] != "\n":
            line.rstrip()  # the spaces at our break go (a line's own newline stays)
        joined.append_text(line)
    return joined


class Paragraph:
    """A `Text` that wraps by the kinsoku rules at whatever width it is drawn, with
    continuation lines indented by `indent` cells."""

    def __init__(self, text: Text, indent: int = 0) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wrapped = wrap(self.text, options.max_width, self.indent)
        wrapped.no_wrap = True
        wrapped.overflow = "fold"
        yield wrapped


class Trail:
    """Steps joined by `separator` (an IVR path), wrapped only between steps, so that no
    step is cut from its key; a step wider than the line wraps by the kinsoku rules. In a
    table cell every line starts under the cell: the hanging indent is the column's."""

    def __init__(self, steps: Sequence[str], separator: str = " › ", empty: str = "—") -> None:
        self.steps = list(steps)
        self.separator = separator
        self.empty = empty

    def _chunks(self) -> list[str]:
        """Each step with the separator's mark after it (`main 1 ›`), the last one bare."""
        mark = self.separator.rstrip()
        last = len(self.steps) - 1
        return [step if index == last else f"{step}{mark}" for index, step in enumerate(self.steps)]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        chunks = self._chunks() or [self.empty]
        whole = cell_len(" ".join(chunks))
        return Measurement(max(cell_len(c) for c in chunks), whole).clamp(
            max_width=options.max_width
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        lines: list[str] = []
        for chunk in self._chunks() or [self.empty]:
            joined = f"{lines[-1]} {chunk}" if lines else chunk
            if lines and cell_len(joined) <= width:
                lines[-1] = joined
            else:
                lines.append(chunk)
        for line in lines:
            yield Paragraph(Text(line))
