"""The interactive terminal review (``mtfix review``): walk through changes like ``git add -p``."""

from __future__ import annotations

from collections.abc import Callable

from mtfix.review.decisions import ACCEPT, REJECT, Decisions

REVIEW_HELP = """\
y - accept this change
n - reject this change
a - accept this change and every later pending change of the same rule (not flags)
d - reject this change and every later pending change of the same rule
s - skip: leave this change pending
k - go back to the previous change
c - add a comment to this change
q - quit; decisions made so far are saved
? - print help"""

PROMPT_KEYS = "y,n,a,d,s,k,c,q,?"


def review_changes(report, decisions: Decisions | None = None, *,
                   ask: Callable[[str], str] = input, console=None,
                   redo: bool = False, save: Callable[[Decisions], None] | None = None) -> Decisions:
    """Walk through the report's changes like ``git add -p`` and collect decisions.

    ``ask`` reads one answer (``input`` by default; tests pass a scripted function); ``save`` is
    called after every decision so that an interrupted review loses nothing. Changes that
    already have a decision are skipped unless ``redo``. End of input counts as quit.
    """
    from rich.console import Console

    from mtfix.report.terminal import render_change

    console = console or Console()
    plain = console.no_color or not console.is_terminal  # then [-deleted-]{+inserted+} marks
    decisions = decisions or Decisions()
    entries = [(doc, c) for doc in report.documents for c in doc.changes]
    todo = [i for i, (_, c) in enumerate(entries) if redo or c.id not in decisions.decisions]
    if not todo:
        console.print("Nothing to review: every change has a decision (use --redo to revisit).")
        return decisions
    position = 0
    while 0 <= position < len(todo):
        document, change = entries[todo[position]]
        console.print()
        console.print(f"[bold]({position + 1}/{len(todo)})[/bold]",
                      render_change(change, document, plain=plain))
        current = decisions.get(change.id)
        if change.is_flag:
            question = "Apply this flag's proposal" if change.proposal is not None else "Accept this flag"
        else:
            question = "Accept this change"
        if current:
            question += f" (now: {current})"
        try:
            answer = ask(f"{question} [{PROMPT_KEYS}]? ").strip().lower()
        except EOFError:
            answer = "q"
        if answer == "y":
            decisions.decisions[change.id] = ACCEPT
        elif answer == "n":
            decisions.decisions[change.id] = REJECT
        elif answer in ("a", "d"):
            value = ACCEPT if answer == "a" else REJECT
            decisions.decisions[change.id] = value
            for _, later in (entries[i] for i in todo[position + 1 :]):
                if (later.rule == change.rule and later.id not in decisions.decisions
                        and not (later.is_flag and value == ACCEPT)):
                    decisions.decisions[later.id] = value
        elif answer == "s":
            pass
        elif answer == "k":
            position = max(0, position - 1)
            continue
        elif answer == "c":
            try:
                text = ask("Comment: ").strip()
            except EOFError:
                text = ""
            if text:
                decisions.comments[change.id] = text
            continue
        elif answer == "q":
            break
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
    if save is not None:
        save(decisions)
    return decisions


