"""The matching view of a text: what the phrase automaton scans, and the way back.

Phrase keys match case-insensitively, on NFC text, with any run of whitespace matching one
space, and never across a blank line. Instead of compiling those rules into patterns, the text
is turned once into a *view* (UTF-8 bytes, case-folded, whitespace folded) and the automaton
runs over the view. Offsets found in the view are mapped back to code points of the original
text only for the matches that are kept, so the common path costs a few C-level passes over
the bytes (encode, lower, translate) and nothing per character in Python.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

from mtfix.textutil import NON_ASCII_SPACE_RE, fold_case, is_word_char

# ASCII whitespace becomes a space in the view (length-preserving, done by bytes.translate).
_WS_TABLE = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)
_SPACE_RUN_RE = re.compile(rb"  +")
# Word characters among ASCII bytes; bytes >= 0x80 are decoded and checked with is_word_char.
_ASCII_WORD = bytes(1 if (chr(b).isalnum() or b == ord("_")) else 0 for b in range(128))
PARAGRAPH = ord("\n")


class MatchView:
    """Case- and whitespace-folded UTF-8 bytes of ``text``, mapping back to ``text`` offsets."""

    __slots__ = ("_ascii", "_bp_orig", "_bp_view", "_nfc_map", "_pre", "_pre_text", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._nfc_map: list[int] | None = None
        norm = text
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            norm, self._nfc_map = _nfc_with_map(text)
        folded = fold_case(norm)
        if not folded.isascii():
            folded = NON_ASCII_SPACE_RE.sub(" ", folded)
        self._pre_text = folded
        self._ascii = folded.isascii()
        pre = folded.encode("utf-8", "surrogatepass")
        self._pre = pre  # before whitespace collapsing; used for paragraph detection
        spaced = pre.translate(_WS_TABLE)
        # Breakpoints of the collapse: view offset -> offset in `pre` from there on.
        self._bp_view: list[int] = []
        self._bp_orig: list[int] = []
        if b"  " in spaced:
            pieces = []
            last = 0
            removed = 0
            for run in _SPACE_RUN_RE.finditer(spaced):
                start, end = run.span()
                pieces.append(spaced[last:start])
                chunk = pre[start:end]
                is_break = chunk.count(b"\n") >= 2 or (b"\n" not in chunk and chunk.count(b"\r") >= 2)
                pieces.append(b"\n" if is_break else b" ")
                removed += end - start - 1
                self._bp_view.append(end - removed)
                self._bp_orig.append(end)
                last = end
            pieces.append(spaced[last:])
            self.data = b"".join(pieces)
        else:
            self.data = spaced

    # -- offsets ---------------------------------------------------------------------------
    def _to_pre(self, view_offset: int) -> int:
        i = bisect.bisect_right(self._bp_view, view_offset) - 1
        if i < 0:
            return view_offset
        return self._bp_orig[i] + (view_offset - self._bp_view[i])

    def to_text_offsets(self, view_offsets: list[int]) -> list[int]:
        """Map view byte offsets (any order) to code-point offsets into the original text."""
        pre = [self._to_pre(v) for v in view_offsets]
        if self._ascii:
            chars = pre
        else:
            order = sorted(range(len(pre)), key=pre.__getitem__)
            chars = [0] * len(pre)
            byte_pos = 0
            char_pos = 0
            data = self._pre
            for i in order:
                target = pre[i]
                if target > byte_pos:
                    char_pos += len(data[byte_pos:target].decode("utf-8", "surrogatepass"))
                    byte_pos = target
                chars[i] = char_pos
        if self._nfc_map is not None:
            chars = [self._nfc_map[c] for c in chars]
        return chars

    # -- boundaries ------------------------------------------------------------------------
    def word_before(self, view_offset: int) -> bool:
        """Is the character just before ``view_offset`` a word character?"""
        if view_offset <= 0:
            return False
        data = self.data
        byte = data[view_offset - 1]
        if byte < 0x80:
            return bool(_ASCII_WORD[byte])
        start = view_offset - 1
        while start > 0 and 0x80 <= data[start] < 0xC0:
            start -= 1
        return is_word_char(data[start:view_offset].decode("utf-8", "replace")[-1:] or " ")

    def word_after(self, view_offset: int) -> bool:
        """Is the character at ``view_offset`` a word character?"""
        data = self.data
        if view_offset >= len(data):
            return False
        byte = data[view_offset]
        if byte < 0x80:
            return bool(_ASCII_WORD[byte])
        length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
        return is_word_char(data[view_offset : view_offset + length].decode("utf-8", "replace")[:1])

    def paragraph_of(self, view_offset: int) -> tuple[int, int]:
        """The view span of the paragraph (text between blank lines) holding ``view_offset``."""
        data = self.data
        start = data.rfind(b"\n", 0, view_offset) + 1
        end = data.find(b"\n", view_offset)
        return start, (len(data) if end == -1 else end)


def _nfc_with_map(text: str) -> tuple[str, list[int]]:
    """NFC-normalise ``text`` run by run, with a map from normalised offsets to ``text`` offsets.

    A run is a starter followed by its combining marks; a run that composes into fewer code
    points maps all its code points to the run start (matches never start inside a run).
    """
    out: list[str] = []
    mapping: list[int] = []
    run_start = 0
    n = len(text)
    for i in range(1, n + 1):
        if i < n and unicodedata.combining(text[i]):
            continue
        run = text[run_start:i]
        normal = unicodedata.normalize("NFC", run)
        out.append(normal)
        if len(normal) == len(run):
            mapping.extend(range(run_start, i))
        else:
            mapping.extend([run_start] * len(normal))
        run_start = i
    mapping.append(n)
    return "".join(out), mapping
