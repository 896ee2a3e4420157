"""Full-width and CJK character forms shared by the cjk, fullwidth, stray_punctuation and
tokenized rules (not a rule: the leading underscore keeps it out of the registry).

The rules that judge punctuation by its neighbours read full-width forms as their ASCII
forms, so that a full-width mark mapped by the fullwidth rule does not change what they
decide on a second run."""

from __future__ import annotations

#: Han characters (CJK unified ideographs, extension A, compatibility, the astral planes)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"

#: full-width or CJK mark -> its ASCII form (what the fullwidth rule writes); ＂ and ＇ are
#: flagged, not mapped (opening or closing? an apostrophe?)
ASCII_FORM: dict[str, str] = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)
                             if chr(c) not in "＂＇"}
ASCII_FORM.update({"。": ".", "、": ",", "｡": ".", "､": ",", "【": "[", "】": "]", "〔": "[",
                   "〕": "]", "〖": "[", "〗": "]", "￥": "¥", "￡": "£", "￠": "¢"})

#: marks the fullwidth rule only flags, with this proposed
FLAG_ONLY: dict[str, str] = dict.fromkeys("《》〈〉「」『』｢｣＂", '"') | {"＇": "'"}

#: full-width marks that end a clause or a sentence (，。；：！？ ...)
FULLWIDTH_FINALS = frozenset(c for c, a in ASCII_FORM.items() if a in ".,;:!?")

_TABLE = str.maketrans(ASCII_FORM)


def to_ascii(text: str) -> str:
    """``text`` with every full-width form the fullwidth rule maps in its ASCII form."""
    return text.translate(_TABLE) if not text.isascii() else text
