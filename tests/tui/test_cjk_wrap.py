"""CJK line breaking (issue 9 defect 15): kinsoku rules, hanging indents, fallbacks per
language."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from agent_tui.ui.cjk_wrap import NO_LINE_START, Paragraph, Trail, wrap
from agent_tui.ui.desk_view import fill_bilingual
from server_stub.protocol.scripts import load_script

CLOSING = "…谢谢您的来电,欢迎您再次致电。 / Hello, thank you for calling."
SCRIPTS = Path(__file__).resolve().parents[2] / "server_stub/centres/demo/scripts"


def test_no_line_starts_with_closing_punctuation_at_any_width() -> None:
    for width in range(8, 60):
        lines = wrap(Text(CLOSING), width).plain.split("\n")
        assert all(line[:1] not in NO_LINE_START for line in lines[1:]), (width, lines)
        assert all(Console(width=200).measure(Text(line)).maximum <= width for line in lines)


def test_the_closing_mark_goes_with_the_character_before_it() -> None:
    # 15 cells: "…谢谢您的来电,欢" would leave "迎您再次致电" then "。" alone on the next line.
    lines = wrap(Text("欢迎您再次致电。 / Hello"), 14).plain.split("\n")
    assert lines[0] == "欢迎您再次致" and lines[1].startswith("电。")


def test_a_wrapped_option_keeps_its_hanging_indent() -> None:
    line = Text(" 2  网速慢或掉线 / Slow or dropping internet")
    console = Console(width=40, record=True)
    console.print(Paragraph(line, indent=4))
    printed = console.export_text().rstrip("\n").split("\n")
    assert printed == [" 2  网速慢或掉线 / Slow or dropping", "    internet"]


def test_each_language_gets_its_own_fallback_for_an_unknown_caller() -> None:
    script = load_script(SCRIPTS / "enquiry.yaml")
    text = "{customer.name},您的{account.id}余额 / {customer.name}, the balance of {account.id}"
    filled = fill_bilingual(text, {}, script.variables, lambda action: action)
    assert filled == "先生/女士,您的您的账户余额 / sir or madam, the balance of your account"


def test_a_paragraph_keeps_its_own_line_breaks() -> None:
    console = Console(width=20, record=True)
    console.print(Paragraph(Text("first line\nsecond line that is long"), indent=2))
    printed = console.export_text().rstrip("\n").split("\n")
    assert printed == ["first line", "second line that is", "  long"]


def test_a_trail_wraps_between_its_steps_and_never_inside_one() -> None:
    console = Console(width=17, record=True)
    console.print(Trail(["main 1", "enquiry_menu 0", "故障报修菜单 2"]))
    printed = [line.rstrip() for line in console.export_text().rstrip("\n").split("\n")]
    assert printed == ["main 1 ›", "enquiry_menu 0 ›", "故障报修菜单 2"]
