"""mtfix on real Chinese->English MT: what it changes and flags, how often it is right by
reading, how much of the recurring garbles it reaches, and whether it leaves other text alone.

Runs the default pipeline (shipped glossaries, default rules) over the 12 system outputs of the
WMT22 zh-en general test set (``../shared/data/wmt22-zhen``), one segment per line as
``mtfix fix FILE --format lines`` does, each system file one document. Prints:

1. changes and flags per rule and per glossary entry (``--text``: also with each file fixed as
   one plain text, as ``--format text`` does);
2. labelled precision: every TSV under ``benchmarks/labels/`` (columns system, line, rule (or
   entry), before, after, verdict, reason; a flag's ``after`` is ``(flag)``; verdicts right /
   harmless / wrong for changes, real / noise for flags; a flag labelled with its proposal as
   ``after`` and a change's verdict counts too, right as real) is matched against the run by
   its key (system, line, rule, before, after); precision of changes = right + harmless, of flags =
   real; plain over the labelled items and weighted by each rule's share of the run (the
   labelled items are not one uniform sample: some rules were labelled in full);
3. recall per garble kind (``benchmarks/zhen_kinds.toml``, or ``--kinds FILE``: ``[[kind]]``
   tables with ``name``, ``description``, ``pattern`` (a Python regex over one output line) and
   optional ``fixed_if_not``): of the occurrences in the 12 outputs, how many a change or flag
   overlaps (touched) and how many a change overlaps after which the output no longer matches
   there (fixed; with ``fixed_if_not``, that regex no longer matches there);
4. the targets table of issue 13.

Other modes:

    python benchmarks/zhen.py [--data ../shared/data] [--per-entry] [--text]
    python benchmarks/zhen.py --unlabelled changes|flags [--sample 40] [--seed 13]
        # items no label covers, drawn at random (fixed seed) round-robin over rules, each
        # printed with its source line, the MT line, the two references and a TSV stub
    python benchmarks/zhen.py --out-of-domain [--train]
        # MLQE-PE (dev; --train also train) and ACCEPT fr-en, detokenized: changes per entry and
        # rule, every China-scoped or zh./cn-official change listed
    python benchmarks/zhen.py --no-harm
        # the zh-en rules alone on MLQE-PE dev and ACCEPT: changes, flags and whether changed
        # segments got closer to the post-edit (character edit distance)
    python benchmarks/zhen.py --dump RULE    # every change and flag of one rule or entry
    python benchmarks/zhen.py --speed        # glossary pass with and without zh-news

Data: WMT22 general test set zh-en (github.com/wmt-conference/wmt22-news-systems, research
use), MLQE-PE (CC0), ACCEPT (CC BY 4.0); see ../shared/data/README.md.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import random
import re
import sys
import time
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mtfix.api import build_pipeline
from mtfix.change import Change, apply_edits
from mtfix.doctraits import document_traits
from mtfix.glossary import Glossary, default_glossary_paths
from mtfix.passes.rules import RulesPass
from mtfix.pipeline import Pipeline
from mtfix.spans import FixedLine

HERE = Path(__file__).resolve().parent
SYSTEMS = ("AISP-SJTU", "DLUT", "HuaweiTSC", "JDExploreAcademy", "Lan-Bridge", "LanguageX",
           "NiuTrans", "Online-A", "Online-B", "Online-G", "Online-W", "Online-Y")
PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
ZH_RULES = ("cjk", "fullwidth", "tokenized", "stray_punctuation", "news_furniture")
LABELS = HERE / "labels"
KINDS = HERE / "zhen_kinds.toml"
KINDS_MINIMAL = HERE / "zhen_kinds_minimal.toml"
FLAG = "(flag)"
CHANGE_VERDICTS = ("right", "harmless", "wrong")
FLAG_VERDICTS = ("real", "noise")
# issue 13's targets
TARGETS = {"changes": 0.98, "flags": 0.70, "touched": 0.60, "fixed": 0.40}
# A change glues punctuation to a word when its output has a double quote directly between two
# word characters (`in"Kite`, `Age"after`), a mark and a quote before a word (`Kite,"'If`) or a
# mark before a letter (`said,Let`) where the input had none.
GLUED = re.compile(r"\w[\"“”]\w|[,.;:!?][\"“”]['‘’]?[^\W\d_]|[,;:!?][^\W\d_]")


@dataclass(frozen=True)
class Item:
    """One change or flag of the run, on one line of one system."""

    system: str
    line: int
    pass_: str
    rule: str
    start: int
    end: int
    before: str
    after: str  # FLAG for a flag
    proposal: str | None
    note: str = ""

    @property
    def flag(self) -> bool:
        return self.after == FLAG

    @property
    def key(self) -> tuple[str, int, str, str, str]:
        return (self.system, self.line, self.rule, self.before, self.after)


def escape(text: str) -> str:
    """A label field: tabs, line breaks and other invisible characters as \\uXXXX."""
    return "".join(c if c.isprintable() and (c == " " or not c.isspace()) else f"\\u{ord(c):04x}"
                   for c in text)


def unescape(text: str) -> str:
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


# -- the data --------------------------------------------------------------------------------
def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def wmt22(data: Path) -> tuple[dict[str, list[str]], list[str], list[str], list[str]]:
    """(system -> output lines, source lines, reference A, reference B)."""
    folder = data / "wmt22-zhen"
    outputs = {s: read_lines(folder / f"generaltest2022.zh-en.hyp.{s}.en") for s in SYSTEMS}
    return (outputs, read_lines(folder / "generaltest2022.zh-en.src.zh"),
            read_lines(folder / "generaltest2022.zh-en.ref.A.en"),
            read_lines(folder / "generaltest2022.zh-en.ref.B.en"))


def fix_lines(pipeline: Pipeline, lines: list[str], system: str
              ) -> Iterator[tuple[int, str, list[Change]]]:
    """(line number, fixed line, changes) per line, as the ``lines`` format fixes a file: one
    segment per line, the document's traits taken from the whole file."""
    traits = document_traits("\n".join(lines))
    for number, line in enumerate(lines, 1):
        if not line.strip():
            yield number, line, []
            continue
        fixed, changes = pipeline.fix_segment(line, doc=system, segment=str(number),
                                              lines=FixedLine(number), format="lines",
                                              traits=traits)
        yield number, fixed, changes


def run(pipeline: Pipeline, outputs: dict[str, list[str]]
        ) -> tuple[list[Item], dict[tuple[str, int], tuple[str, list[Change]]]]:
    """Every change and flag on the 12 outputs, and per (system, line) the fixed line with its
    changes."""
    items: list[Item] = []
    fixed: dict[tuple[str, int], tuple[str, list[Change]]] = {}
    for system, lines in outputs.items():
        for number, out, changes in fix_lines(pipeline, lines, system):
            if changes:
                fixed[(system, number)] = (out, changes)
            for c in changes:
                items.append(Item(system, number, c.pass_, c.rule, c.start, c.end, c.before,
                                  FLAG if c.is_flag else c.after, c.proposal, c.note))
    return items, fixed


def group(rule: str) -> str:
    """What a precision is reported per: a rule, or a glossary file's entries (``zh.*``)."""
    return rule.split(".")[0] + ".*" if "." in rule else rule


# -- labels ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    key: tuple[str, int, str, str, str]
    verdict: str
    reason: str
    file: str


def read_labels(folder: Path) -> dict[tuple[str, int, str, str, str], Label]:
    """Every label under ``folder`` (a later file's label of the same key wins). A verdict
    that does not fit its item (a flag labelled right) stops the run naming file and line."""
    labels: dict[tuple[str, int, str, str, str], Label] = {}
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as stream:
            lines = [(n, row) for n, row in enumerate(csv.reader(stream, delimiter="\t"), 1)
                     if row and not row[0].startswith("#")]
        header = lines[0][1]
        at = {name: i for i, name in enumerate(header)}
        rule_col = at.get("rule", at.get("entry"))
        verdict_col = at.get("verdict", at.get("label"))
        if rule_col is None or verdict_col is None:
            raise SystemExit(f"{path}: the header needs system, line, rule (or entry), before, "
                             "after, verdict (or label), reason")
        for number, row in lines[1:]:
            if len(row) < len(header):
                continue
            after = unescape(row[at["after"]])
            after = FLAG if after.startswith("(flag") else after  # "(flag: proposal)" too
            verdict = row[verdict_col]
            allowed = FLAG_VERDICTS if after == FLAG else CHANGE_VERDICTS
            if verdict not in allowed:
                raise SystemExit(f"{path}:{number}: verdict {verdict!r}; a "
                                 f"{'flag' if after == FLAG else 'change'} is labelled "
                                 f"{' / '.join(allowed)}")
            key = (row[at["system"]], int(row[at["line"]]), row[rule_col],
                   unescape(row[at["before"]]), after)
            labels[key] = Label(key, verdict, row[at.get("reason", len(row) - 1)], path.name)
    return labels


_AS_FLAG = {"right": "real", "harmless": "noise", "wrong": "noise"}


def label_of(item: Item, labels: dict) -> Label | None:
    """The label of ``item``. A flag may also be labelled under its proposal as ``after``
    with a change's verdict (the glossary labels do that): right counts as real."""
    label = labels.get(item.key)
    if label is None and item.flag and item.proposal is not None:
        other = labels.get((item.system, item.line, item.rule, item.before, item.proposal))
        if other is not None:
            label = Label(item.key, _AS_FLAG.get(other.verdict, other.verdict), other.reason,
                          other.file)
    return label


def precision(items: list[Item], labels: dict, flags: bool) -> dict[str, object]:
    """Plain and rule-weighted precision of the labelled changes (or flags) of the run."""
    good = ("real",) if flags else ("right", "harmless")
    chosen = [i for i in items if i.flag == flags]
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    counts = Counter(group(i.rule) for i in chosen)
    for item in chosen:
        label = label_of(item, labels)
        if label is not None:
            by_rule[group(item.rule)][label.verdict] += 1
    labelled = sum(sum(c.values()) for c in by_rule.values())
    hits = sum(c[g] for c in by_rule.values() for g in good)
    covered = sum(counts[r] for r in by_rule)
    weighted = sum(counts[r] * sum(c[g] for g in good) / sum(c.values())
                   for r, c in by_rule.items()) / covered if covered else float("nan")
    return {"n": len(chosen), "labelled": labelled, "plain": hits / labelled if labelled else
            float("nan"), "weighted": weighted, "by_rule": by_rule, "counts": counts,
            "uncovered": len(chosen) - covered}


def report_labels(items: list[Item], labels: dict) -> dict[str, float]:
    keys = {i.key for i in items} | {(i.system, i.line, i.rule, i.before, i.proposal)
                                      for i in items if i.flag and i.proposal is not None}
    stale = [label for key, label in labels.items() if key not in keys]
    figures = {}
    for flags, name in ((False, "changes"), (True, "flags")):
        p = precision(items, labels, flags)
        figures[name] = p["weighted"]
        good = "real" if flags else "right or harmless"
        print(f"\n## Labelled {name}: {p['labelled']} of {p['n']} labelled; {good}: "
              f"{p['plain']:.3f} of the labelled, {p['weighted']:.3f} weighted by each rule's "
              f"share ({p['uncovered']} {name} are of rules with no label)\n")
        verdicts = FLAG_VERDICTS if flags else CHANGE_VERDICTS
        print("| rule | in the run | labelled | " + " | ".join(verdicts) + f" | {good} |")
        print("|---|---:|---:|" + "---:|" * (len(verdicts) + 1))
        for rule, count in p["counts"].most_common():
            c = p["by_rule"].get(rule, Counter())
            n = sum(c.values())
            share = (f"{sum(c[g] for g in (('real',) if flags else ('right', 'harmless'))) / n:.2f}"
                     if n else "-")
            print(f"| {rule} | {count} | {n} | " + " | ".join(str(c[v]) for v in verdicts)
                  + f" | {share} |")
    found = {i.key: label_of(i, labels) for i in items}
    wrong = [label for label in found.values()
             if label is not None and label.verdict in ("wrong", "noise")]
    print(f"\nwrong changes and noise flags ({len(wrong)}):")
    for label in wrong:
        system, line, rule, before, after = label.key
        print(f"  {label.verdict}: {system} {line} {rule} {before!r} -> {after!r}: {label.reason}")
    todo = {i.key for i in items if label_of(i, labels) is None}
    flags_todo = sum(1 for key in todo if key[4] == FLAG)
    print(f"\nunlabelled: {len(todo) - flags_todo} changes and {flags_todo} flags (distinct "
          "keys); read a sample with --unlabelled changes|flags")
    print(f"\nstale labels (their item no longer happens): {len(stale)} "
          f"(of which on outputs this run does not fix: "
          f"{sum(1 for s in stale if s.key[0] not in SYSTEMS)})")
    for label in stale:
        if label.key[0] in SYSTEMS:
            print(f"  {label.file}: {label.key}")
    return figures


def window(text: str, at: float, width: int) -> str:
    """``width`` characters of ``text`` around the relative position ``at``."""
    centre = int(at * len(text))
    start = max(0, centre - width // 2)
    return ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(
        text) else "")


def unlabelled(items: list[Item], labels: dict, what: str, sample: int, seed: int,
               source: list[str], ref_a: list[str], ref_b: list[str],
               outputs: dict[str, list[str]]) -> None:
    """Print a random sample (round-robin over rules) of the items no label covers."""
    flags = what == "flags"
    todo = sorted({i.key: i for i in items
                   if i.flag == flags and label_of(i, labels) is None}.values(),
                  key=lambda i: i.key)
    random.Random(seed).shuffle(todo)
    queues: dict[str, list[Item]] = defaultdict(list)
    for item in todo:
        queues[group(item.rule)].append(item)
    picked: list[Item] = []
    while len(picked) < sample and any(queues.values()):
        for rule in sorted(queues):
            if queues[rule] and len(picked) < sample:
                picked.append(queues[rule].pop())
    print(f"# {len(todo)} unlabelled {what}; {len(picked)} drawn (seed {seed})")
    for item in picked:
        line = outputs[item.system][item.line - 1]
        at = item.start / max(1, len(line))  # where in the line: the other sides are cut there
        shown = (line[max(0, item.start - 110):item.start] + "[[" + line[item.start:item.end]
                 + "]]" + line[item.end:item.end + 110])
        print(f"\n== {item.system} {item.line} {item.rule}: {item.before!r} -> "
              f"{item.proposal if flags else item.after!r}  ({item.note[:90]})")
        print(f"  SRC {window(source[item.line - 1], at, 70)}")
        print(f"  MT  {shown}")
        print(f"  RFA {window(ref_a[item.line - 1], at, 160)}")
        print(f"  RFB {window(ref_b[item.line - 1], at, 160)}")
        stub = io.StringIO()
        csv.writer(stub, delimiter="\t", lineterminator="").writerow(
            [item.system, item.line, item.rule, escape(item.before), escape(item.after), "?", "?"])
        print("  TSV " + stub.getvalue())


# -- recall per garble kind ------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    name: str
    description: str
    pattern: re.Pattern[str]
    fixed_if_not: re.Pattern[str] | None


def read_kinds(path: Path) -> list[Kind]:
    with path.open("rb") as stream:
        tables = tomllib.load(stream).get("kind", [])
    kinds = []
    for number, table in enumerate(tables, 1):
        try:
            kinds.append(Kind(table["name"], table.get("description", ""),
                              re.compile(table["pattern"]),
                              re.compile(table["fixed_if_not"]) if "fixed_if_not" in table
                              else None))
        except (KeyError, re.error) as exc:
            raise SystemExit(f"{path}: kind {number}: {exc}; each [[kind]] needs name and "
                             "pattern (a Python regex)") from None
    return kinds


def mapped(changes: list[Change], start: int, end: int) -> tuple[int, int]:
    """Where the original span [start, end) of a line lies in the fixed line."""
    new_start = start + sum(len(c.after) - len(c.before) for c in changes
                            if not c.is_flag and c.end <= start and c.start < start)
    new_end = end + sum(len(c.after) - len(c.before) for c in changes
                        if not c.is_flag and c.start < end)
    return new_start, max(new_start, new_end)


def recall(kinds: list[Kind], outputs: dict[str, list[str]],
           fixed: dict[tuple[str, int], tuple[str, list[Change]]]) -> dict[str, float]:
    print("\n## Recall per garble kind (occurrences in the 12 outputs)\n")
    print("| kind | occurrences | touched | fixed | touched share | fixed share |")
    print("|---|---:|---:|---:|---:|---:|")
    total = Counter()
    for kind in kinds:
        count = Counter()
        for system, lines in outputs.items():
            for number, line in enumerate(lines, 1):
                for m in kind.pattern.finditer(line):
                    count["n"] += 1
                    out, changes = fixed.get((system, number), (line, []))
                    near = [c for c in changes if (c.start < m.end() and m.start() < c.end)
                            or c.start == c.end == m.start()]
                    if not near:
                        continue
                    count["touched"] += 1
                    if not any(not c.is_flag for c in near):
                        continue
                    s, e = mapped(changes, m.start(), m.end())
                    check = kind.fixed_if_not or kind.pattern
                    if not any((f.start() < e and s < f.end()) or f.start() == s
                               for f in check.finditer(out)):
                        count["fixed"] += 1
        total.update(count)
        n = count["n"]
        print(f"| {kind.name} | {n} | {count['touched']} | {count['fixed']} | "
              f"{count['touched'] / n if n else 0:.2f} | {count['fixed'] / n if n else 0:.2f} |")
    n = total["n"] or 1
    print(f"| **all** | {total['n']} | {total['touched']} | {total['fixed']} | "
          f"{total['touched'] / n:.2f} | {total['fixed'] / n:.2f} |")
    return {"touched": total["touched"] / n, "fixed": total["fixed"] / n}


def glued(items: list[Item], outputs: dict[str, list[str]],
          fixed: dict[tuple[str, int], tuple[str, list[Change]]]) -> list[Item]:
    """Changes whose output glues a quote or a mark to a word where the input did not."""
    found = []
    for item in items:
        if item.flag:
            continue
        line = outputs[item.system][item.line - 1]
        out, changes = fixed[(item.system, item.line)]
        s, e = mapped(changes, item.start, item.end)
        before = line[max(0, item.start - 2):item.end + 2]
        after = out[max(0, s - 2):e + 2]
        if GLUED.search(after) and not GLUED.search(before) and len(item.after) < len(
                item.before):
            found.append(item)
    return found


def per_rule(items: list[Item], per_entry: bool, text_counts: Counter | None) -> None:
    changes = Counter(group(i.rule) if not per_entry else i.rule for i in items if not i.flag)
    flags = Counter(group(i.rule) if not per_entry else i.rule for i in items if i.flag)
    print(f"## Changes and flags per {'entry and ' if per_entry else ''}rule, 12 systems x "
          f"1875 lines, one segment per line ({sum(changes.values())} changes, "
          f"{sum(flags.values())} flags)\n")
    head = "| rule | changes | flags |" + (" as text: changes | flags |" if text_counts else "")
    print(head)
    print("|---|---:|---:|" + ("---:|---:|" if text_counts else ""))
    for rule in sorted(set(changes) | set(flags), key=lambda r: -(changes[r] + flags[r])):
        row = f"| {rule} | {changes[rule]} | {flags[rule]} |"
        if text_counts:
            row += f" {text_counts[(rule, False)]} | {text_counts[(rule, True)]} |"
        print(row)
    systems = Counter(i.system for i in items if not i.flag)
    print("\nchanges per system: " + ", ".join(f"{s} {systems[s]}" for s in SYSTEMS))


def text_mode(pipeline: Pipeline, outputs: dict[str, list[str]], per_entry: bool) -> Counter:
    """(rule, is flag) -> count with each output fixed as one plain text."""
    out: Counter = Counter()
    for lines in outputs.values():
        result = pipeline.fix_text("\n".join(lines) + "\n")
        for c in result.changes:
            out[(c.rule if per_entry else group(c.rule), c.is_flag)] += 1
    return out


def targets(figures: dict[str, float], glue: int) -> None:
    print("\n## Targets (issue 13)\n")
    print("| target | wanted | measured | met |")
    print("|---|---:|---:|---|")
    rows = [("changes right or harmless (weighted)", f">= {TARGETS['changes']}",
             figures["changes"], figures["changes"] >= TARGETS["changes"]),
            ("changes that glue punctuation to a word", "0", glue, glue == 0),
            ("flags pointing at a real error (weighted)", f">= {TARGETS['flags']}",
             figures["flags"], figures["flags"] >= TARGETS["flags"]),
            ("garble occurrences touched", f">= {TARGETS['touched']}", figures["touched"],
             figures["touched"] >= TARGETS["touched"]),
            ("garble occurrences fixed", f">= {TARGETS['fixed']}", figures["fixed"],
             figures["fixed"] >= TARGETS["fixed"])]
    for name, wanted, got, met in rows:
        shown = f"{got:.3f}" if isinstance(got, float) else str(got)
        print(f"| {name} | {wanted} | {shown} | {'yes' if met else 'NO'} |")


# -- text that is not Chinese news -------------------------------------------------------------
def detokenizer():
    from sacremoses import MosesDetokenizer  # pip install -e ".[bench]"

    moses = MosesDetokenizer("en")
    return lambda line: moses.detokenize(html.unescape(line).split())


def other_sets(data: Path, train: bool) -> dict[str, Path]:
    sets = {f"mlqe-pe {pair} {split}": data / "mlqe-pe" / pair / f"{split}.mt"
            for pair in PAIRS for split in (("dev", "train") if train else ("dev",))}
    sets["accept fr-en"] = data / "accept-fren" / "edinpe.mt.en"
    return sets


def out_of_domain(pipeline: Pipeline, data: Path, train: bool) -> None:
    """What the default run does to MT that is not Chinese: every China entry that fires."""
    detok = detokenizer()
    china = {e.id for e in pipeline_glossary(pipeline).entries
             if e.scope == "china" or e.id.startswith(("zh.", "cn-official."))}
    print("## Text that is not Chinese news (detokenized; each file one document)\n")
    print("| data | segments | traits | changes | flags | China-entry changes | flags |")
    print("|---|---:|---|---:|---:|---:|---:|")
    listed = []
    for name, path in other_sets(data, train).items():
        lines = [detok(line) for line in read_lines(path)]
        count = Counter()
        traits = document_traits("\n".join(lines))
        for number, _out, changes in fix_lines(pipeline, lines, name):
            for c in changes:
                count["flags" if c.is_flag else "changes"] += 1
                if c.rule in china:
                    count["china flags" if c.is_flag else "china"] += 1
                    listed.append(f"  {name} {number} {c.rule}: {c.before!r} -> "
                                  f"{c.proposal if c.is_flag else c.after!r}")
        print(f"| {name} | {len(lines)} | {', '.join(sorted(traits)) or '-'} | "
              f"{count['changes']} | {count['flags']} | {count['china']} | "
              f"{count['china flags']} |")
    for row in listed:
        print(row)


def pipeline_glossary(pipeline: Pipeline) -> Glossary:
    return next(p.glossary for p in pipeline.passes if p.name == "glossary")


def no_harm(data: Path) -> None:
    """The zh-en rules alone on MLQE-PE dev and ACCEPT (as distributed, tokenized): changes /
    flags, and on the detokenized segments (each set one document, as benchmarks/quality.py)
    how many changed segments got closer to / further from the nearest post-edit."""
    from rapidfuzz.distance import Levenshtein

    detok = detokenizer()
    print("## The zh-en rules on MLQE-PE dev and ACCEPT fr-en\n")
    print("changes / flags as distributed; changed detokenized segments closer / same / "
          "further from the post-edit\n")
    print("| data | " + " | ".join(ZH_RULES) + " |")
    print("|---|" + "---:|" * len(ZH_RULES))
    rules = {r: RulesPass(only=[r]) for r in ZH_RULES}
    for name, path in other_sets(data, False).items():
        mt = read_lines(path)
        if name.startswith("accept"):
            refs = [read_lines(path.parent / f"edinpe.{r}.en") for r in ("ref0", "ref1")]
        else:
            refs = [read_lines(path.with_suffix(".pe"))]
        text = "\n".join(mt) + "\n"
        detokenized = [detok(line) for line in mt]
        traits = document_traits("\n".join(detokenized))  # the set is one document
        cells = []
        for rule in rules.values():
            edits = rule.find_edits(text)
            flags = sum(e.flag for e in edits)
            judged = Counter()
            for number, d in enumerate(detokenized):
                out = apply_edits(d, [e for e in rule.find_edits(d, traits=traits) if not e.flag])
                if out != d:
                    pes = [detok(r[number]) for r in refs]
                    old = min(Levenshtein.distance(d, p) for p in pes)
                    new = min(Levenshtein.distance(out, p) for p in pes)
                    judged["good" if new < old else "bad" if new > old else "same"] += 1
            cells.append(f"{len(edits) - flags} / {flags}; "
                         f"{judged['good']}/{judged['same']}/{judged['bad']}")
        print(f"| {name} | " + " | ".join(cells) + " |")


def dump(pipeline: Pipeline, outputs: dict[str, list[str]], rule: str) -> None:
    for system, lines in outputs.items():
        for number, _out, changes in fix_lines(pipeline, lines, system):
            for c in changes:
                if c.rule == rule or group(c.rule) == rule:
                    line = lines[number - 1]
                    print(f"{system}\t{number}\t{c.rule}\t{escape(c.before)}\t"
                          f"{FLAG if c.is_flag else escape(c.after)}\t"
                          f"{line[max(0, c.start - 50):c.start]!r} [] {line[c.end:c.end + 40]!r}")


def speed(data: Path) -> None:
    """Glossary-pass time on WMT22 with and without zh-news (alternating runs, best of 3)."""
    outputs = wmt22(data)[0]
    texts = ["\n".join(lines) + "\n" for lines in outputs.values()]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    paths = default_glossary_paths()
    sets = {"shipped": Glossary.load(paths, run_examples=False),
            "without zh-news": Glossary.load([p for p in paths if p.stem != "zh-news"],
                                             run_examples=False)}
    best = dict.fromkeys(sets, float("inf"))
    for _ in range(3):
        for name, glossary in sets.items():
            start = time.perf_counter()
            for text in texts:
                glossary.compiled.find_edits(text)
            best[name] = min(best[name], time.perf_counter() - start)
    for name, seconds in best.items():
        print(f"glossary pass, {name}: {seconds:.2f} s for {megabytes:.1f} MB "
              f"({megabytes / seconds:.2f} MB/s)")
    print(f"  ratio shipped / without zh-news: {best['shipped'] / best['without zh-news']:.2f}")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--labels", type=Path, default=LABELS, help="folder of label TSVs")
    parser.add_argument("--kinds", type=Path, default=None, help="garble kinds (TOML)")
    parser.add_argument("--per-entry", action="store_true", help="counts per glossary entry")
    parser.add_argument("--text", action="store_true", help="also fix each file as one text")
    parser.add_argument("--unlabelled", choices=("changes", "flags"))
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out-of-domain", action="store_true")
    parser.add_argument("--train", action="store_true", help="with --out-of-domain: MLQE train")
    parser.add_argument("--no-harm", action="store_true")
    parser.add_argument("--dump", metavar="RULE")
    parser.add_argument("--speed", action="store_true")
    args = parser.parse_args(None if argv is None else list(argv))
    pipeline = build_pipeline()
    if args.out_of_domain:
        out_of_domain(pipeline, args.data, args.train)
        return
    if args.no_harm:
        no_harm(args.data)
        return
    if args.speed:
        speed(args.data)
        return
    outputs, source, ref_a, ref_b = wmt22(args.data)
    if args.dump:
        dump(pipeline, outputs, args.dump)
        return
    items, fixed = run(pipeline, outputs)
    labels = read_labels(args.labels)
    if args.unlabelled:
        unlabelled(items, labels, args.unlabelled, args.sample, args.seed, source, ref_a, ref_b,
                   outputs)
        return
    per_rule(items, False, text_mode(pipeline, outputs, False) if args.text else None)
    if args.per_entry:
        print()
        per_rule(items, True, text_mode(pipeline, outputs, True) if args.text else None)
    figures = report_labels(items, labels)
    kinds_path = args.kinds or (KINDS if KINDS.exists() else KINDS_MINIMAL)
    print(f"\n(garble kinds from {kinds_path.name})")
    figures.update(recall(read_kinds(kinds_path), outputs, fixed))
    glue = glued(items, outputs, fixed)
    for item in glue:
        print(f"  glued: {item.system} {item.line} {item.rule} {item.before!r} -> {item.after!r}")
    targets(figures, len(glue))


if __name__ == "__main__":
    main()
