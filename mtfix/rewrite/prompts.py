"""What the model is asked: the instruction, a few worked examples, and how a reply is read.

Two shapes of request, one per kind of model:

* a **text prompt** for sequence-to-sequence models (T5, CoEdIT, Flan-T5) and causal models
  without a chat template: ``PROMPT + sentence`` (CoEdIT's own wording by default);
* **chat messages** for instruction-tuned models behind an OpenAI-compatible server: a system
  message with :data:`DEFAULT_INSTRUCTION`, then :data:`EXAMPLES` as user/assistant turns (a
  model copies the form of its examples far more reliably than it follows a description), then
  the sentence.

Every builder takes an optional ``source``: the sentence in the source language, for
translation files that carry it. With it, the user turn holds both the source and the
translation, and the instruction says which to rewrite; without it (plain MT output), only the
translation.

:func:`clean_reply` reads a chat model's answer: the first line of text, without a thinking
block, a "Corrected:" label or quotes the sentence did not have. Anything else odd is left for
the guards to refuse.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

DEFAULT_PROMPT = "Fix grammatical errors in this sentence: "

DEFAULT_INSTRUCTION = (
    "You correct English produced by machine translation (official and news text). Rewrite the "
    "sentence you are given so that it is fluent, grammatical English that says exactly the "
    "same thing. Keep every name, number, date, unit, quotation and placeholder as it is; do "
    "not add, drop or guess information; change as few words as you can. If the sentence is "
    "already correct, return it unchanged. Answer with the sentence only, on one line, with no "
    "quotes and no comment."
)

#: The instruction when the source sentence is given too.
SOURCE_INSTRUCTION_SUFFIX = (
    " You are also given the source sentence the translation was made from: use it to check "
    "the meaning, and rewrite only the translation."
)

#: (machine translation, corrected) pairs shown to the model before the sentence.
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("meeting Discussion Comprehensively summarize the achievements of the work in 2023 .",
     "The meeting comprehensively summarized the achievements of the work in 2023."),
    ("The city public security organs cracked 35 cases of telecom fraud , arrested 12 suspects.",
     "The city's public security organs solved 35 cases of telecom fraud and arrested 12 "
     "suspects."),
    ("The provincial government held a press conference on March 5 in Hefei.",
     "The provincial government held a press conference on March 5 in Hefei."),
)

_THINKING_RE = re.compile(r"^\s*<think>.*?</think>", re.DOTALL)
_LABEL_RE = re.compile(r"^(?:corrected(?: sentence| text| version)?|rewritten(?: sentence)?|"
                       r"output|answer|fixed|revised(?: sentence)?)\s*:\s*", re.IGNORECASE)
_QUOTES = {'"': '"', "“": "”", "'": "'", "‘": "’", "`": "`", "«": "»"}


def text_prompt(sentence: str, *, prompt: str = DEFAULT_PROMPT, source: str | None = None) -> str:
    """The input of a sequence-to-sequence model (or a causal one without a chat template)."""
    if source is None:
        return f"{prompt}{sentence}"
    return f"{prompt}{sentence} (source: {source})"


def user_turn(sentence: str, source: str | None = None) -> str:
    """The user message for one sentence: the sentence alone, or labelled source and
    translation."""
    if source is None:
        return sentence
    return f"Source: {source}\nTranslation: {sentence}"


def chat_messages(sentence: str, *, instruction: str = DEFAULT_INSTRUCTION,
                  examples: Sequence[tuple[str, str]] = EXAMPLES,
                  source: str | None = None) -> list[dict[str, str]]:
    """OpenAI-style chat messages asking for a rewrite of ``sentence``.

    With ``source``, the examples are shown without one (they have none) and the instruction
    says the source is there to check meaning.
    """
    system = instruction + (SOURCE_INSTRUCTION_SUFFIX if source is not None else "")
    messages = [{"role": "system", "content": system}]
    for before, after in examples:
        messages.append({"role": "user", "content": user_turn(before)})
        messages.append({"role": "assistant", "content": after})
    messages.append({"role": "user", "content": user_turn(sentence, source)})
    return messages


def prompt_fingerprint(instruction: str, examples: Sequence[tuple[str, str]]) -> str:
    """A short hash of everything a chat prompt holds besides the sentence (for caches and
    ``--resume``: a changed instruction or example must not reuse old rewrites)."""
    blob = json.dumps([instruction, SOURCE_INSTRUCTION_SUFFIX, list(examples)], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def clean_reply(reply: str, sentence: str) -> str:
    """The rewrite in a chat model's reply: the first non-empty line after any thinking block,
    without a leading "Corrected:" label or wrapping quotes that ``sentence`` does not have."""
    text = _THINKING_RE.sub("", reply).strip().strip("`").strip()
    text = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not _LABEL_RE.match(sentence):
        text = _LABEL_RE.sub("", text, count=1)
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1] and not sentence.startswith(text[0]):
        text = text[1:-1].strip()
    return text
