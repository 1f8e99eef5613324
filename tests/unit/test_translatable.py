"""Every word the GUI shows can be translated: Qt's lupdate finds it (issue 6).

lupdate reads the source, not the running program: it collects the literal
arguments of `tr("…")`, `translate("Context", "…")` and
`QT_TRANSLATE_NOOP("Context", "…")`, nothing else.  So a word is
translatable only if it is written inside one of those.  Two checks over
`app/crmdesk/ui` and `app/crmdesk/messages.py`, on the syntax tree:

1. What is handed to Qt (or to the helpers that hand it on) as text —
   `setText`, `setWindowTitle`, `QPushButton(…)`, `QMessageBox(…)`,
   `addAction`, `plain_label(…)`, `show_error(…)`, … — is never a string
   literal or f-string with words in it.
2. No literal with words sits anywhere else outside those calls either
   (constants, tables, default arguments…), apart from the technical strings
   recognised below: object names, style sheets, date formats, identifiers.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

APP = Path(__file__).resolve().parents[2] / "app" / "crmdesk"
CHECKED = sorted(APP.joinpath("ui").rglob("*.py")) + [APP / "messages.py"]
# The CRMDESK_SMOKE_TEST hook's line on stderr, read by scripts, not by reps.
NOT_SHOWN = {APP / "ui" / "smoke.py"}

MARKERS = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP", "QT_TRANSLATE_NOOP3"}
# Not shown in the GUI: a terminal line, a log record, an exception's own text.
QUIET = {"print", "debug", "info", "warning", "error", "exception", "critical"}

# Calls that put their text arguments on screen: name -> the positional
# arguments to check (None: all of them; keywords such as name= are not text).
# Qt's own: any literal word is wrong there ("items" too).
QT_SINKS: dict[str, tuple[int, ...] | None] = {
    name: None for name in (
        "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setWhatsThis",
        "setPlaceholderText", "setTitle", "setSubTitle", "setSuffix", "setPrefix",
        "setSpecialValueText", "setAccessibleName", "setAccessibleDescription",
        "setLabelText", "setCancelButtonText", "setButtonText", "setHeaderLabels",
        "setHorizontalHeaderLabels", "setVerticalHeaderLabels", "showMessage", "addTab",
        "setTabText", "addItems", "addAction", "addMenu", "addButton", "addRow", "drawText",
        "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction",
        "QMenu", "QToolBar", "QMessageBox", "QProgressDialog", "QFileDialog",
        "QTreeWidgetItem", "QTableWidgetItem", "QListWidgetItem", "getOpenFileName",
        "getSaveFileName", "getText")}
QT_SINKS |= {"addItem": (0,), "insertItem": (1,), "setItemText": (1,)}
# QMessageBox.warning(parent, title, text) and friends (not a logger's warning).
MESSAGE_BOX_STATICS = {"information", "question", "warning", "critical", "about"}
# crmdesk's helpers that hand their text on to a widget.  Their names are
# common words (a set's add, a "say" elsewhere), so only prose counts here.
HELPER_SINKS: dict[str, tuple[int, ...] | None] = {
    name: None for name in (
        "plain_label", "show_error", "Problem", "ItemList", "_box", "set_syncing",
        "show_offline", "say", "say_hint", "notify", "set_message", "show_message",
        "set_items", "add", "ErrorText")}
HELPER_SINKS |= {"_action": (0, 3), "_tool": (0, 1)}            # not their shortcuts

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
STRFTIME = re.compile(r"%-?[a-zA-Z]")
WORD = re.compile(r"[^\W\d_]{2,}")
PROSE = re.compile(r"[^\W\d_]+ +[^\W\d_]+|(?:^|\W)[A-Z][a-z]+")
NOT_WORDS = re.compile(r"\bcrmdesk\b|https?://\S*")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def template(node: ast.expr) -> str | None:
    """The literal text of a str constant or an f-string ({} for its values)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def words_in(text: str) -> str:
    """`text` without placeholders, date formats, the product name and URLs."""
    return NOT_WORDS.sub(" ", STRFTIME.sub(" ", PLACEHOLDER.sub(" ", text)))


def is_technical(text: str) -> bool:
    """A style sheet, or one identifier: an object name, a key, a shortcut, "VTODO"…

    One capitalised word ("Cancel", "Password:") is not technical: it is a
    button's or a field's text.
    """
    text = text.strip()
    return (";" in text and ":" in text) or (
        bool(re.fullmatch(r"[\w./:+,\-]+", text)) and not re.fullmatch(r"[A-Z][a-z]+:?", text))


def reads_as_prose(text: str) -> bool:
    """Words a person reads: two words, or one capitalised word ("Cancel")."""
    words = words_in(text)
    return not is_technical(words) and bool(PROSE.search(words))


def bare_texts(node: ast.expr) -> Iterator[ast.expr]:
    """The parts of an argument that are untranslated literal words."""
    text = template(node)
    if text is not None:
        if WORD.search(words_in(text)):
            yield node
    elif isinstance(node, ast.BinOp):
        yield from bare_texts(node.left)
        yield from bare_texts(node.right)
    elif isinstance(node, ast.IfExp):
        yield from bare_texts(node.body)
        yield from bare_texts(node.orelse)
    elif isinstance(node, (ast.List, ast.Tuple)):
        for element in node.elts:
            yield from bare_texts(element)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("format", "join"):
        yield from bare_texts(node.func.value)      # "Hello {name}".format(…)


def call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def sink_positions(node: ast.Call) -> tuple[bool, tuple[int, ...] | None] | None:
    """(strict, positions) when `node` puts text on screen, else None."""
    name, func = call_name(node), node.func
    if name in MESSAGE_BOX_STATICS and isinstance(func, ast.Attribute) \
            and getattr(func.value, "id", "") == "QMessageBox":
        return True, None
    if name in QT_SINKS:
        return True, QT_SINKS[name]
    if name in HELPER_SINKS:
        return False, HELPER_SINKS[name]
    return None


def sink_arguments(node: ast.Call, positions: tuple[int, ...] | None) -> list[ast.expr]:
    if positions is None:
        return list(node.args)
    return [node.args[i] for i in positions if i < len(node.args)]


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def untranslated_sink_texts(path: Path) -> list[Finding]:
    """Check 1: literal words handed to Qt."""
    found = []
    for node in ast.walk(parse(path)):
        sink = sink_positions(node) if isinstance(node, ast.Call) else None
        if sink is None:
            continue
        strict, positions = sink
        for argument in sink_arguments(node, positions):
            found += [Finding(path, bare.lineno, template(bare) or "")
                      for bare in bare_texts(argument)
                      if strict or reads_as_prose(template(bare) or "")]
    return found


def exempt_nodes(tree: ast.Module) -> set[int]:
    """ids of literals lupdate reads (marker calls), docstrings, quiet calls, and
    values compared with or looked up (`server == "Tryton"`, a dict's keys are
    identifiers, not words shown)."""
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and template(node.value) is not None:
            exempt.add(id(node.value))                       # a docstring
        elif isinstance(node, ast.Call) and call_name(node) in MARKERS | QUIET:
            exempt |= {id(sub) for sub in ast.walk(node)}
        elif isinstance(node, ast.Raise) and node.exc is not None:
            exempt |= {id(sub) for sub in ast.walk(node.exc)}
        elif isinstance(node, ast.Compare):
            exempt |= {id(operand) for operand in [node.left, *node.comparators]}
        elif isinstance(node, ast.Dict):
            exempt |= {id(key) for key in node.keys if key is not None}
    return exempt


def untranslated_literals(path: Path) -> list[Finding]:
    """Check 2: literal words anywhere outside the marker calls."""
    tree = parse(path)
    exempt = exempt_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            exempt |= {id(part) for part in node.values}     # judged as a whole
        text = template(node) if isinstance(node, ast.expr) else None
        if text is not None and id(node) not in exempt and reads_as_prose(text):
            found.append(Finding(path, node.lineno, text))
    return found


def unreadable_markers(path: Path) -> list[Finding]:
    """Check 3: a tr()/translate() lupdate can't read: an f-string or a sum as the
    text, or a context that is not a literal (a name is fine: a marked constant)."""
    found = []
    for node in ast.walk(parse(path)):
        if not (isinstance(node, ast.Call) and is_marker(node)):
            continue
        text_at = 0 if call_name(node) in ("tr", "QT_TR_NOOP") else 1
        parts = node.args[:text_at + 1]
        if text_at and parts and template(parts[0]) is None:
            found.append(Finding(path, node.lineno, "a context that is not a literal"))
        if len(parts) > text_at and built_text(parts[text_at]):
            found.append(Finding(path, node.lineno, ast.unparse(parts[text_at])))
    return found


def is_marker(node: ast.Call) -> bool:
    """tr(…), translate(…), QCoreApplication.translate(…), QT_…_NOOP(…)
    (not QPainter.translate(dx, dy))."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "translate":
        return getattr(func.value, "id", "") in ("QCoreApplication", "QApplication")
    return call_name(node) in MARKERS


def built_text(node: ast.expr) -> bool:
    """An f-string, a sum or a .format()/.join() result: text lupdate can't see."""
    return isinstance(node, (ast.JoinedStr, ast.BinOp)) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join"))


def findings(path: Path) -> list[Finding]:
    return sorted(set(untranslated_sink_texts(path) + untranslated_literals(path)
                      + unreadable_markers(path)),
                  key=lambda f: f.line)


@pytest.mark.parametrize("path", [p for p in CHECKED if p not in NOT_SHOWN],
                         ids=lambda p: str(p.relative_to(APP)))
def test_every_shown_word_is_inside_tr_or_translate(path: Path) -> None:
    found = findings(path)
    assert not found, ("Wrap these in self.tr(\"…\") (in a QObject) or "
                       "translate(\"Context\", \"…\") / QT_TRANSLATE_NOOP(\"Context\", \"…\") "
                       "so lupdate collects them:\n" + "\n".join(map(str, found)))


# -- the checks themselves catch what they are meant to ------------------------------------

CAUGHT = '''
from PySide6.QtWidgets import QLabel, QPushButton
NOTHING = "Nothing to do: the calendar and the CRM agree."
class Window:
    def build(self, count):
        self.setWindowTitle("Sync history")
        QPushButton(f"Sync issues ({count})")
        self.label.setText("Last sync: " + summary)
        self.box.addAction("Quit")
        show_error(self, exc, "The settings were not saved.")
        plain_label("Items:")
        QMessageBox.warning(self, "Not saved", "Try again")
        self.setToolTip(self.tr(f"{count} items"))
'''

PASSES = '''
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
translate = QCoreApplication.translate
NOTHING = QT_TRANSLATE_NOOP("PreviewDialog", "Nothing to do: the calendar and the CRM agree.")
STYLE = "color: palette(placeholder-text); font-weight: 600;"
class Window:
    """A docstring is no text on screen."""
    def build(self, count, day):
        self.setWindowTitle(self.tr("Sync history"))
        QPushButton(self.tr("Sync issues ({n})").format(n=count))
        self.label.setText(translate("SyncStatusBar", "Last sync: {s}").format(s=summary))
        self.setObjectName("syncIssues")
        self.label.setText(f"{day:%a %d %b} \\u2013 {count}")
        self.setWindowTitle("crmdesk")
        self.label.setText(self.tr(HINT))
        self.tool.setText("\\u25c0")
        if item.component == "VTODO" or server == "Tryton":
            print(f"crmdesk: already running with this profile")
        raise ValueError("a VEVENT needs a planned_start")
        log.warning("sync %s failed", "calendar")
        seen.add("crm")
'''


def test_the_check_finds_bare_words_and_passes_wrapped_ones(tmp_path: Path) -> None:
    caught, passes = tmp_path / "caught.py", tmp_path / "passes.py"
    caught.write_text(CAUGHT, encoding="utf-8")
    passes.write_text(PASSES, encoding="utf-8")
    lines = {f.line for f in untranslated_sink_texts(caught)}
    assert lines == {6, 7, 8, 9, 10, 11, 12}
    assert {f.line for f in untranslated_literals(caught)} >= {3, 6, 7, 8, 9, 10}
    assert [f.line for f in unreadable_markers(caught)] == [13]
    assert findings(passes) == []


# -- the English base lists them all ------------------------------------------------------

def test_the_english_base_is_up_to_date() -> None:
    """resources/translations/crmdesk_en.ts holds exactly what lupdate finds now."""
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate is not installed")
    script = APP.parents[1] / "scripts" / "translations.sh"
    done = subprocess.run(["bash", str(script), "--check"], capture_output=True, text=True,
                          env=dict(os.environ, LUPDATE=str(lupdate)))
    assert done.returncode == 0, done.stderr
