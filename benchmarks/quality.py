"""How good are the rules on real post-edited MT? Changes judged against human post-edits.

Runs the rules pass alone (no glossary) over the MT side of MLQE-PE (et, ne, ro, ru, si -> en)
and ACCEPT fr-en (two independent post-edits), detokenized with sacremoses (ACCEPT is also
HTML-unescaped). Each data set is one document, as ``mtfix fix FILE --format lines`` fixes a
file: its document traits (``mtfix.doctraits``: e.g. slashes spaced throughout, which the
``tokenized`` rule then leaves alone) are decided once from the whole set; ``--per-segment``
takes each segment alone for the document instead. A changed segment is GOOD when the
character edit distance to the post-edit goes down, BAD when it goes up, NEUTRAL otherwise;
precision = good / (good + bad). Flags change nothing and are counted apart. Every changed
segment is also judged by reading: ``benchmarks/labels/post-edits/rules.tsv`` holds a verdict
(right, harmless, wrong) and a one-line reason per changed segment, keyed on the data set, the
line and the exact text before and after, so a change that differs from the one read is
unlabelled again; ``--unlabelled FILE`` writes the changes no label covers, to read and append. Repetition
recall: of the segments whose MT repeats a 1-8 word phrase in a row (found by an independent
token-level detector) and whose post-edit does not, the share the repetition rule changed.

    python benchmarks/quality.py [--data ../shared/data] [--split dev|train] [--per-rule]
                                 [--metric chars|ter] [--per-segment] [--unlabelled FILE]
"""

from __future__ import annotations

import argparse
import csv
import html
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from sacremoses import MosesDetokenizer

from mtfix.change import apply_edits, select_non_overlapping
from mtfix.doctraits import document_traits
from mtfix.passes.rules import RULE_TYPES, RulesPass

PAIRS = ("et-en", "ne-en", "ro-en", "ru-en", "si-en")
LABELS = Path(__file__).resolve().parent / "labels" / "post-edits" / "rules.tsv"
VERDICTS = ("right", "harmless", "wrong")
_METRIC = {"name": "chars"}
_PER_SEGMENT = {"on": False}


def distance(hypothesis: str, post_edit: str) -> float:
    """How far a segment is from its post-edit: character edit distance (default), or TER
    (sacrebleu, word level with shifts) with ``--metric ter``."""
    if _METRIC["name"] == "ter":
        from sacrebleu.metrics import TER

        ter = _METRIC.setdefault("ter", TER())
        return ter.sentence_score(hypothesis, [post_edit]).score
    return Levenshtein.distance(hypothesis, post_edit)
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def load(data: Path, split: str) -> dict[str, list[tuple[str, str]]]:
    detok = MosesDetokenizer("en")

    def clean(line: str, unescape: bool = False) -> str:
        if unescape:
            line = html.unescape(line)
        return detok.detokenize(line.split())

    sets: dict[str, list[tuple[str, str]]] = {}
    for pair in PAIRS:
        folder = data / "mlqe-pe" / pair
        mt = (folder / f"{split}.mt").read_text(encoding="utf-8").splitlines()
        pe = (folder / f"{split}.pe").read_text(encoding="utf-8").splitlines()
        sets[pair] = [(clean(a), clean(b)) for a, b in zip(mt, pe, strict=True)]
    folder = data / "accept-fren"
    mt = [clean(x, True) for x in (folder / "edinpe.mt.en").read_text(encoding="utf-8").splitlines()]
    for ref in ("ref0", "ref1"):
        pe = (folder / f"edinpe.{ref}.en").read_text(encoding="utf-8").splitlines()
        sets[f"accept-fren/{ref}"] = [(a, clean(b, True)) for a, b in zip(mt, pe, strict=True)]
    return sets


def degenerate_repetition(mt: str, pe: str, *, doubles: bool = False) -> bool:
    """The definition used for recall, independent of the rule's code (plain token lists): the
    MT repeats a phrase of 1-8 tokens (at least one with a letter) back to back, punctuation
    between ignored, so that at least two tokens are repeated: a phrase of 2+ tokens twice
    ("never say anything, never say anything") or one token 3+ times ("Rival Rival Rival");
    and the post-edit does not contain that repeated token sequence (the human removed it).
    ``doubles=True`` also counts a single token twice ("the the", "Tallinn, Tallinn")."""
    words = [w.lower() for w in _TOKEN_RE.findall(mt)]
    pe_text = " ".join(w.lower() for w in _TOKEN_RE.findall(pe))
    for k in range(1, 9):
        for i in range(len(words) - 2 * k + 1):
            if words[i:i + k] == words[i + k:i + 2 * k] and not all(
                    w.isdigit() for w in words[i:i + k]):
                span = 2 * k
                if k == 1 and not doubles:
                    if words[i + 2:i + 3] != words[i:i + 1]:
                        continue
                    span = 3
                doubled = " ".join(words[i:i + span])
                if f" {doubled} " not in f" {pe_text} ":
                    return True
    return False


def pe_keeps_deleted_text(mt: str, fixed: str, pe: str) -> bool:
    """Whether the post-edit still has the words the collapse deleted, doubled (then the
    collapse was wrong); False means the human removed the repeat too but rewrote around it."""
    mt_words = [w.lower() for w in _TOKEN_RE.findall(mt)]
    pe_text = " " + " ".join(w.lower() for w in _TOKEN_RE.findall(pe)) + " "
    for k in range(1, 9):
        for i in range(len(mt_words) - 2 * k + 1):
            if mt_words[i:i + k] == mt_words[i + k:i + 2 * k]:
                if f" {' '.join(mt_words[i:i + 2 * k])} " in pe_text:
                    return True
    return False


def traits_of(segments: list[tuple[str, str]]) -> frozenset[str] | None:
    """The data set's document traits (None with --per-segment: each segment its own)."""
    if _PER_SEGMENT["on"]:
        return None
    return document_traits("\n".join(mt for mt, _pe in segments))


def judge(rules: RulesPass, segments: list[tuple[str, str]],
          changed: list[tuple[int, str, str, str]] | None = None) -> Counter[str]:
    """Count changed segments good/neutral/bad by distance; ``changed`` collects each one as
    (line, mt, fixed, post-edit) for the reading labels."""
    counts: Counter[str] = Counter()
    traits = traits_of(segments)
    for line, (mt, pe) in enumerate(segments, 1):
        edits = rules.find_edits(mt, traits=traits)
        flags = [e for e in edits if e.flag]
        counts["flags"] += len(flags)
        counts["flagged"] += bool(flags)
        fixed = apply_edits(mt, edits)
        if fixed == mt:
            continue
        counts["changed"] += 1
        if changed is not None:
            changed.append((line, mt, fixed, pe))
        before, after = distance(mt, pe), distance(fixed, pe)
        counts["good" if after < before else "bad" if after > before else "neutral"] += 1
    counts["segments"] = len(segments)
    return counts


# -- reading labels ------------------------------------------------------------------------
def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"t": "\t", "n": "\n"}.get(m[1], m[1]), text)


def label_set(name: str, split: str) -> str:
    """The set a label names: ``ne-en/dev``; ACCEPT has one MT file for both splits and two
    post-edits of it, so one label ``accept-fren`` serves all four."""
    return name.split("/")[0] if name.startswith("accept") else f"{name}/{split}"


def read_labels(path: Path) -> dict[tuple[str, int, str, str], tuple[str, str]]:
    """(set, line, before, after) -> (verdict, reason). A verdict outside right / harmless /
    wrong stops the run naming the file and line."""
    labels: dict[tuple[str, int, str, str], tuple[str, str]] = {}
    if not path.exists():
        return labels
    with path.open(encoding="utf-8", newline="") as stream:
        rows = [(n, row) for n, row in enumerate(
            csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE), 1)
            if row and not row[0].startswith("#")]
    for number, row in rows[1:]:
        if len(row) != 7:
            raise SystemExit(f"{path}:{number}: expected 7 tab-separated columns (set, line, "
                             f"before, after, post_edit, verdict, reason), got {len(row)}")
        data_set, line, before, after, _pe, verdict, reason = row
        if verdict not in VERDICTS:
            raise SystemExit(f"{path}:{number}: verdict {verdict!r}; use one of "
                             f"{', '.join(VERDICTS)}")
        labels[data_set, int(line), _unescape(before), _unescape(after)] = (verdict, reason)
    return labels


def by_reading(changed: dict[tuple[str, int, str, str], str],
               labels: dict[tuple[str, int, str, str], tuple[str, str]]) -> str:
    """One line: the changed segments by their reading label."""
    counts = Counter(labels[key][0] if key in labels else "unlabelled" for key in changed)
    read = sum(counts[v] for v in VERDICTS)
    ok = counts["right"] + counts["harmless"]
    share = f"{ok / read:.3f}" if read else "n/a"
    return (f"by reading: {len(changed)} changed segments: right {counts['right']}, harmless "
            f"{counts['harmless']}, wrong {counts['wrong']}, unlabelled {counts['unlabelled']}; "
            f"right or harmless {share} of those read")


def write_unlabelled(path: Path, changed: dict[tuple[str, int, str, str], str],
                     labels: dict[tuple[str, int, str, str], tuple[str, str]]) -> int:
    """Append-ready rows (verdict and reason empty) for the changes no label covers."""
    rows = [(key, pe) for key, pe in changed.items() if key not in labels]
    with path.open("w", encoding="utf-8") as out:
        out.write("set\tline\tbefore\tafter\tpost_edit\tverdict\treason\n")
        for (data_set, line, before, after), pe in rows:
            out.write("\t".join([data_set, str(line), _escape(before), _escape(after),
                                  _escape(pe), "", ""]) + "\n")
    return len(rows)


def precision(c: Counter[str]) -> str:
    judged = c["good"] + c["bad"]
    return f"{c['good'] / judged:.3f}" if judged else "n/a"


def table(rows: dict[str, Counter[str]]) -> str:
    lines = ["| data | segments | changed | good | neutral | bad | precision | flagged segs |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, c in rows.items():
        lines.append(f"| {name} | {c['segments']} | {c['changed']} | {c['good']} | {c['neutral']} "
                     f"| {c['bad']} | {precision(c)} | {c['flagged']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--split", default="dev", choices=("dev", "train"))
    parser.add_argument("--per-rule", action="store_true", help="also one table per rule")
    parser.add_argument("--show-bad", type=int, default=0, help="print N bad changes per rule")
    parser.add_argument("--metric", choices=("chars", "ter"), default="chars",
                        help="good/bad by character edit distance (default) or by TER")
    parser.add_argument("--per-segment", action="store_true",
                        help="each segment its own document (no file-level traits)")
    parser.add_argument("--unlabelled", type=Path,
                        help="write the changed segments no reading label covers to this TSV")
    args = parser.parse_args()
    _METRIC["name"] = args.metric
    _PER_SEGMENT["on"] = args.per_segment
    sets = load(Path(args.data), args.split)

    every = RulesPass()
    labels = read_labels(LABELS)
    changed: dict[tuple[str, int, str, str], str] = {}
    rows = {}
    for name, segs in sets.items():
        collected: list[tuple[int, str, str, str]] = []
        rows[name] = judge(every, segs, collected)
        for line, mt, fixed, pe in collected:
            changed.setdefault((label_set(name, args.split), line, mt, fixed), pe)
    rows["overall"] = sum(rows.values(), Counter())
    print(f"## All default rules ({args.split})\n")
    print(table(rows))
    print(f"\n{by_reading(changed, labels)} ({LABELS.relative_to(LABELS.parents[2])})")
    if args.unlabelled:
        count = write_unlabelled(args.unlabelled, changed, labels)
        print(f"{count} unlabelled changed segments written to {args.unlabelled}")

    repetition = RulesPass(only=["repetition"])
    rep: Counter[str] = Counter()
    bad_examples: list[tuple[str, str, str]] = []
    for segs in sets.values():
        traits = traits_of(segs)
        for mt, pe in segs:
            edits = repetition.find_edits(mt, traits=traits)
            fixed = apply_edits(mt, edits)
            degenerate = degenerate_repetition(mt, pe)
            # What a reviewer who accepts every proposal (flags included) would get.
            proposed = apply_edits(mt, select_non_overlapping(
                [replace(e, flag=False) for e in edits if e.after is not None]))
            if proposed != mt:
                rep["proposed"] += 1
                rep["proposed caught"] += degenerate
                d0, d1 = distance(mt, pe), distance(proposed, pe)
                rep["proposed good" if d1 < d0 else "proposed bad" if d1 > d0 else
                    "proposed neutral"] += 1
            rep["degenerate"] += degenerate
            broad = degenerate_repetition(mt, pe, doubles=True)
            rep["broad"] += broad
            if fixed == mt:
                continue
            rep["changed"] += 1
            rep["caught"] += degenerate
            rep["caught broad"] += broad
            before, after = distance(mt, pe), distance(fixed, pe)
            if after < before:
                rep["good"] += 1
            elif after == before:
                rep["neutral"] += 1
            else:
                rep["bad"] += 1
                kept = pe_keeps_deleted_text(mt, fixed, pe)
                rep["bad, post-edit keeps the repeat" if kept else
                    "bad, post-edit drops the repeat but rewrote the words"] += 1
                bad_examples.append((mt, fixed, pe))
    print(f"\n## Repetition rule alone ({args.split}, all data sets)\n")
    print(f"changed {rep['changed']}: good {rep['good']}, neutral {rep['neutral']}, bad "
          f"{rep['bad']}; precision {precision(rep)}")
    for key in ("bad, post-edit keeps the repeat",
                "bad, post-edit drops the repeat but rewrote the words"):
        print(f"  {key}: {rep[key]}")
    print(f"recall: {rep['caught']}/{rep['degenerate']} = "
          f"{rep['caught'] / max(1, rep['degenerate']):.3f} of segments with a degenerate "
          "repetition (see degenerate_repetition) are changed")
    print(f"        counting single-word doubles too (flag-only): {rep['caught broad']}/"
          f"{rep['broad']} = {rep['caught broad'] / max(1, rep['broad']):.3f}")
    judged = rep["proposed good"] + rep["proposed bad"]
    print(f"changed or flagged with the collapse proposed: {rep['proposed']} segments; accepting "
          f"every proposal: good {rep['proposed good']}, neutral {rep['proposed neutral']}, bad "
          f"{rep['proposed bad']}, precision {rep['proposed good'] / max(1, judged):.3f}; recall "
          f"{rep['proposed caught']}/{rep['degenerate']} = "
          f"{rep['proposed caught'] / max(1, rep['degenerate']):.3f}")
    for mt, fixed, pe in bad_examples[: args.show_bad]:
        print(f"   BAD mt: {mt}\n       fx: {fixed}\n       pe: {pe}")

    if args.per_rule or args.show_bad:
        for rule_type in RULE_TYPES:
            single = RulesPass(only=[rule_type.id])
            per = {name: judge(single, segs) for name, segs in sets.items()}
            total = sum(per.values(), Counter())
            print(f"\n{rule_type.id}: changed {total['changed']}, good {total['good']}, "
                  f"neutral {total['neutral']}, bad {total['bad']}, precision {precision(total)}, "
                  f"flagged segments {total['flagged']}")
            shown = 0
            for segs in sets.values():
                traits = traits_of(segs)
                for mt, pe in segs:
                    if shown >= args.show_bad:
                        break
                    fixed = apply_edits(mt, single.find_edits(mt, traits=traits))
                    if fixed != mt and distance(fixed, pe) > distance(mt, pe):
                        shown += 1
                        print(f"   BAD mt: {mt}\n       fx: {fixed}\n       pe: {pe}")


if __name__ == "__main__":
    main()
