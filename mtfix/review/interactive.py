"""The interactive terminal review (``mtfix review``): walk through changes like ``git add -p``.

On a POSIX terminal each answer is one key press (no Enter); elsewhere (a pipe, Windows without
termios) answers are read as lines. Ctrl-C stops the review; every decision made so far has
been saved after it was made, and the caller says so.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from mtfix.review.decisions import ACCEPT, EDIT, REJECT, Decisions

REVIEW_HELP = """\
y - accept this change
n - reject this change
e - edit: type your own replacement text (applied instead of the proposal)
a - accept this change and every later pending change of the same rule (not flags)
d - reject this change and every later pending change of the same rule
s - skip: leave this change pending (an earlier decision on it is dropped)
k - go back to the previous change
c - add a comment to this change
q - quit; decisions made so far are saved (Ctrl-C too)
? - print help"""

PROMPT_KEYS = "y,n,e,a,d,s,k,c,q,?"
# Keys a terminal sends for the arrows: up/left go back like "k".
_BACK_KEYS = {"\x1b[A": "k", "\x1b[D": "k", "\x1bOA": "k", "\x1bOD": "k"}

Ask = Callable[[str], str]


def single_key_reader() -> Ask | None:
    """A reader that returns one key press without waiting for Enter, when standard input
    and output are a POSIX terminal (termios); ``None`` otherwise, so the caller falls back
    to line input. Ctrl-C still interrupts (cbreak mode keeps signals); Ctrl-D ends input."""
    try:
        import termios
        import tty
    except ImportError:  # not POSIX
        return None
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    fd = sys.stdin.fileno()

    def read_key(prompt: str) -> str:
        saved = termios.tcgetattr(fd)
        try:
            # Before the prompt, and without flushing: a key typed early is kept, not lost.
            tty.setcbreak(fd, termios.TCSANOW)
            sys.stdout.write(prompt)
            sys.stdout.flush()
            # An escape sequence (an arrow key) arrives in one read.
            key = os.read(fd, 8).decode("utf-8", "replace")
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if key in ("\x04", ""):
            sys.stdout.write("\n")
            raise EOFError
        key = _BACK_KEYS.get(key, key[:1])
        sys.stdout.write((key if key.isprintable() else "") + "\n")
        return key

    return read_key


def review_changes(report, decisions: Decisions | None = None, *,
                   ask: Ask | None = None, ask_line: Ask | None = None, console=None,
                   redo: bool = False, save: Callable[[Decisions], None] | None = None) -> Decisions:
    """Walk through the report's changes like ``git add -p`` and collect decisions.

    ``ask`` reads one answer (default: one key press on a terminal, else a line); ``ask_line``
    reads a comment or an edit's text (default: ``ask`` when given, else ``input``). Tests
    pass scripted functions. ``save`` is called after every decision so that an interrupted
    review loses nothing. Changes that already have a decision are skipped unless ``redo``.
    End of input counts as quit. Ctrl-C saves and raises ``KeyboardInterrupt`` again, so
    the caller can say where the decisions are.
    """
    from rich.console import Console

    console = console or Console()
    if ask_line is None:
        ask_line = ask or input
    if ask is None:
        ask = single_key_reader() or input
    decisions = decisions or Decisions()
    try:
        _review_loop(report, decisions, ask, ask_line, console, redo, save)
    except KeyboardInterrupt:
        if save is not None:
            save(decisions)
        raise
    if save is not None:
        save(decisions)
    return decisions


def _review_loop(report, decisions: Decisions, ask: Ask, ask_line: Ask, console, redo: bool,
                 save: Callable[[Decisions], None] | None) -> None:
    """The question loop of :func:`review_changes` (one change at a time, in report order)."""
    from mtfix.report.terminal import render_change

    plain = console.no_color or not console.is_terminal  # then [-deleted-]{+inserted+} marks
    entries = [(doc, c) for doc in report.documents for c in doc.changes]
    todo = [i for i, (_, c) in enumerate(entries) if redo or c.id not in decisions.decisions]
    if not todo:
        console.print("Nothing to review: every change has a decision (use --redo to revisit).")
        return
    position = 0
    while 0 <= position < len(todo):
        document, change = entries[todo[position]]
        console.print()
        console.print(f"[bold]({position + 1}/{len(todo)})[/bold]",
                      render_change(change, document, plain=plain))
        try:
            answer = ask(f"{_question(change, decisions)} [{PROMPT_KEYS}]? ").strip().lower()
        except EOFError:
            answer = "q"
        if answer == "q":
            break
        if answer == "k":
            position = max(0, position - 1)
            continue
        if answer in ("c", "e"):
            _ask_text(answer, change, decisions, ask_line)
            if answer == "c" or decisions.get(change.id) != EDIT:
                continue
        elif answer in ("y", "n", "s"):
            decisions.set(change.id, {"y": ACCEPT, "n": REJECT, "s": None}[answer])
        elif answer in ("a", "d"):
            _decide_rule(answer, change, entries, todo[position + 1 :], decisions)
        else:
            console.print(REVIEW_HELP)
            continue
        if save is not None:
            save(decisions)
        position += 1
        # Skip over changes decided by "a"/"d" just now.
        while (answer in ("a", "d") and position < len(todo)
               and entries[todo[position]][1].id in decisions.decisions and not redo):
            position += 1


def _question(change, decisions: Decisions) -> str:
    """The prompt for one change, with its current decision if it has one."""
    if change.is_flag:
        question = "Apply this flag's proposal" if change.proposal is not None else "Accept this flag"
    else:
        question = "Accept this change"
    current = decisions.get(change.id)
    if current == EDIT:
        return f"{question} (now: edited to {decisions.edits[change.id]!r})"
    return f"{question} (now: {current})" if current else question


def _ask_text(answer: str, change, decisions: Decisions, ask_line: Ask) -> None:
    """Read a comment ("c") or an edit's replacement text ("e"); empty input changes nothing."""
    prompt = "Comment: " if answer == "c" else "Replacement text (empty: cancel): "
    try:
        text = ask_line(prompt)
    except EOFError:
        text = ""
    if answer == "c":
        if text.strip():
            decisions.comments[change.id] = text.strip()
    elif text.strip():
        decisions.set(change.id, EDIT, text)


def _decide_rule(answer: str, change, entries, later_positions, decisions: Decisions) -> None:
    """"a"/"d": decide this change and every later pending change of its rule (never
    accepting a flag in bulk)."""
    value = ACCEPT if answer == "a" else REJECT
    decisions.set(change.id, value)
    for _, later in (entries[i] for i in later_positions):
        if (later.rule == change.rule and later.id not in decisions.decisions
                and not (later.is_flag and value == ACCEPT)):
            decisions.set(later.id, value)
