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

import numpy as np

from mtfix.textutil import NON_ASCII_SPACE_RE, is_word_char

# The view's ASCII folding in one length-preserving C pass (bytes.translate): letters to lower
# case, ASCII whitespace to a space.
_VIEW_TABLE = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f",
                              b"abcdefghijklmnopqrstuvwxyz" + b" " * 9)
# From this many bytes (or offsets to map) on, the bookkeeping is done with numpy, which costs
# a few microseconds per call but nothing per byte or offset in Python. Tests lower these to
# check that both ways agree.
NUMPY_MIN_BYTES = 4096
NUMPY_MIN_OFFSETS = 16
# Whitespace runs (two or more whitespace bytes, after the translation above) collapse to one
# space, except a paragraph break (two or more newlines), which is left as several spaces so
# that no key (keys never hold two spaces in a row) can match across it. The regex starts with
# a literal, so the scan runs at C speed.
_SPACE_RUN_RE = re.compile(rb"  +")
_ASCII_BYTES = bytes(range(128))
# Word characters among ASCII bytes; bytes >= 0x80 are decoded and checked with is_word_char.
_ASCII_WORD = bytes(1 if (chr(b).isalnum() or b == ord("_")) else 0 for b in range(128))
# Per view byte: 0 = not a word character, 1 = a word character, 2 = part of a non-ASCII
# character (ask ``word_before``/``word_after``). Lets callers check most boundaries inline.
BYTE_WORD_KIND = _ASCII_WORD + b"\x02" * 128
PARAGRAPH_BREAK = b"  "
_fold_cache: dict[bytes, bytes] = {}


def fold_char_bytes(char_bytes: bytes) -> bytes:
    """The view form of one non-ASCII character: lower-cased when that keeps its UTF-8 length,
    spaces for a non-ASCII space (one per byte; the run is collapsed later)."""
    folded = _fold_cache.get(char_bytes)
    if folded is None:
        char = char_bytes.decode("utf-8", "surrogatepass")
        if NON_ASCII_SPACE_RE.fullmatch(char):
            folded = b" " * len(char_bytes)
        else:
            low = char.lower()
            low_bytes = low.encode("utf-8", "surrogatepass")
            folded = low_bytes if len(low) == 1 and len(low_bytes) == len(char_bytes) else char_bytes
        _fold_cache[char_bytes] = folded
    return folded


def fold_bytes(text: str) -> bytes:
    """UTF-8 of ``text`` case-folded character by character, with the same byte length."""
    return _fold(text)[1]


# Characters with combining class 0 that NFC can still compose with what precedes them
# (NFC_QC=Maybe starters: Hangul vowel/final jamo, some Indic and other vowel signs).
_COMPOSING_STARTERS = frozenset(
    [chr(c) for c in range(0x1161, 0x1176)] + [chr(c) for c in range(0x11A8, 0x11C3)]
    + [chr(c) for c in (0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2, 0x0CD5,
                        0x0CD6, 0x0D3E, 0x0D57, 0x0DCF, 0x0DDF, 0x102E, 0x1B35, 0x11127,
                        0x1133E, 0x11357, 0x114B0, 0x114BA, 0x114BD, 0x115AF, 0x11930)])
_nfc_safe_cache: dict[str, bool] = {}


def _nfc_safe(char: str) -> bool:
    """Can ``char`` never take part in an NFC change (so a text of such chars is NFC)?"""
    safe = _nfc_safe_cache.get(char)
    if safe is None:
        safe = (unicodedata.combining(char) == 0 and char not in _COMPOSING_STARTERS
                and unicodedata.normalize("NFC", char) == char)
        _nfc_safe_cache[char] = safe
    return safe


def _distinct_non_ascii(raw: bytes) -> set[str]:
    return set(raw.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))


def _fold(text: str, raw: bytes | None = None, distinct: set[str] | None = None,
          ascii_table: bytes | None = None) -> tuple[bytes, bytes]:
    """(UTF-8 of ``text``, its folded form of the same length).

    ``ascii_table`` replaces the lower-casing of ASCII bytes (``_VIEW_TABLE`` also turns
    whitespace into spaces in the same pass).
    """
    if raw is None:
        raw = text.encode("utf-8", "surrogatepass")
    # ASCII letters only, at C speed
    folded = raw.lower() if ascii_table is None else raw.translate(ascii_table)
    if text.isascii():
        return raw, folded
    # Mostly-English text has few distinct non-ASCII characters: find them at C speed (drop
    # the ASCII bytes, decode the rest) and replace each one that folds differently. UTF-8 is
    # self-synchronising, so a character's bytes only ever match at a character boundary.
    changes: list[tuple[bytes, bytes]] = []
    for char in _distinct_non_ascii(raw) if distinct is None else distinct:
        char_bytes = char.encode("utf-8", "surrogatepass")
        replacement = fold_char_bytes(char_bytes)
        if replacement != char_bytes:
            changes.append((char_bytes, replacement))
    if not changes:
        return raw, folded
    if len(folded) < NUMPY_MIN_BYTES or len(changes) < 3:
        return raw, _replace_all(folded, changes)
    # Each replace reads the whole text (~1 ms per MB): replace inside the runs of non-ASCII
    # bytes only (found at C speed), the same replacements in the same order, which gives the
    # same bytes since a character never straddles a run's end.
    high = np.flatnonzero(np.frombuffer(folded, dtype=np.uint8) >= 0x80)
    cuts = np.flatnonzero(np.diff(high) != 1)
    starts = high[np.concatenate(([0], cuts + 1))].tolist()
    ends = (high[np.concatenate((cuts, [len(high) - 1]))] + 1).tolist()
    pieces: list[bytes] = []
    last = 0
    done: dict[bytes, bytes] = {}
    for start, end in zip(starts, ends, strict=True):
        run = folded[start:end]
        new = done.get(run)
        if new is None:
            new = done[run] = _replace_all(run, changes)
        if new != run:
            pieces.append(folded[last:start])
            pieces.append(new)
            last = end
    if not pieces:
        return raw, folded
    pieces.append(folded[last:])
    return raw, b"".join(pieces)


def _replace_all(data: bytes, changes: list[tuple[bytes, bytes]]) -> bytes:
    for old, new in changes:
        data = data.replace(old, new)
    return data


class MatchView:
    """Case- and whitespace-folded UTF-8 bytes of ``text``, mapping back to ``text`` offsets.

    Every step keeps byte offsets except the collapse of whitespace runs, which records
    breakpoints; a paragraph break stays as two or more spaces (see ``_SPACE_RUN_RE``).
    """

    __slots__ = ("_ascii", "_bp_arrays", "_bp_orig", "_bp_view", "_continuation", "_nfc_map",
                 "_raw", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._nfc_map: list[int] | None = None
        self._ascii = text.isascii()
        raw = text.encode("utf-8", "surrogatepass")
        distinct = None if self._ascii else _distinct_non_ascii(raw)
        # NFC check only when some character could be affected by it (cheap per distinct char)
        if distinct and not all(map(_nfc_safe, distinct)) and \
                not unicodedata.is_normalized("NFC", text):
            norm, self._nfc_map = _nfc_with_map(text)
            raw, spaced = _fold(norm, ascii_table=_VIEW_TABLE)
        else:
            raw, spaced = _fold(text, raw, distinct, ascii_table=_VIEW_TABLE)
        self._raw = raw  # norm's UTF-8 (same length as spaced): byte -> code point offsets
        self._continuation: np.ndarray | None = None  # see _char_offsets
        self._bp_arrays: tuple[np.ndarray, np.ndarray] | None = None
        # Breakpoints of the collapse: view offset -> offset in `spaced` from there on.
        self._bp_view: list[int] = []
        self._bp_orig: list[int] = []
        pieces = []
        last = 0
        removed = 0
        for start, end in _runs_to_collapse(raw, spaced):
            pieces.append(spaced[last:start])
            pieces.append(b" ")
            removed += end - start - 1
            self._bp_view.append(end - removed)
            self._bp_orig.append(end)
            last = end
        if pieces:
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
        """Map view byte offsets (any order) to code-point offsets into the original text.

        Text beyond ASCII is mapped with numpy even for one or two offsets (a candidate's
        checks): the Python way decodes the text from its start for each call.
        """
        if len(self.data) >= NUMPY_MIN_BYTES and (len(view_offsets) >= NUMPY_MIN_OFFSETS
                                                   or not self._ascii):
            chars = self._char_offsets(np.array(view_offsets, dtype=np.int64)).tolist()
            if self._nfc_map is not None:
                chars = [self._nfc_map[c] for c in chars]
            return chars
        pre = [self._to_pre(v) for v in view_offsets]
        if self._ascii:
            chars = pre
        else:
            order = sorted(range(len(pre)), key=pre.__getitem__)
            chars = [0] * len(pre)
            byte_pos = 0
            char_pos = 0
            data = self._raw
            for i in order:
                target = pre[i]
                if target > byte_pos:
                    char_pos += len(data[byte_pos:target].decode("utf-8", "surrogatepass"))
                    byte_pos = target
                chars[i] = char_pos
        if self._nfc_map is not None:
            chars = [self._nfc_map[c] for c in chars]
        return chars

    def _char_offsets(self, view: np.ndarray) -> np.ndarray:
        """``to_text_offsets`` before the NFC map, vectorised: a byte offset at a character
        boundary is that many code points minus the UTF-8 continuation bytes before it."""
        if self._bp_view:
            if self._bp_arrays is None:
                self._bp_arrays = (np.array(self._bp_view, dtype=np.int64),
                                   np.array(self._bp_orig, dtype=np.int64))
            bp_view, bp_orig = self._bp_arrays
            i = np.searchsorted(bp_view, view, side="right") - 1
            pre = np.where(i >= 0, bp_orig[i] + (view - bp_view[i]), view)
        else:
            pre = view
        if self._ascii:
            return pre
        if self._continuation is None:
            raw = np.frombuffer(self._raw, dtype=np.uint8)
            self._continuation = np.flatnonzero((raw & 0xC0) == 0x80)
        return pre - np.searchsorted(self._continuation, pre)

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
        start = data.rfind(PARAGRAPH_BREAK, 0, view_offset)
        start = 0 if start == -1 else start + 2
        end = data.find(PARAGRAPH_BREAK, view_offset)
        return start, (len(data) if end == -1 else end)


def _runs_to_collapse(raw: bytes, spaced: bytes) -> list[tuple[int, int]]:
    """The (start, end) of each run of two or more spaces in ``spaced`` (``raw`` folded, same
    length) that is not a paragraph break (a run holding two or more newlines in ``raw``)."""
    if len(spaced) < NUMPY_MIN_BYTES:
        # When every double space comes from a "\n\n" (each run holding "\n\n" is a paragraph
        # break, and a run's "\n\n" pairs never outnumber its "  " pairs), there is nothing
        # to collapse; two C-speed counts decide it.
        if spaced.count(b"  ") == raw.count(b"\n\n"):
            return []
        return [run.span() for run in _SPACE_RUN_RE.finditer(spaced)
                if raw.count(b"\n", run.start(), run.end()) < 2]
    # The same with numpy, without a Python step per paragraph (or per line of CRLF text):
    # positions i where spaced[i:i+2] == b"  ", grouped into maximal runs.
    space = np.frombuffer(spaced, dtype=np.uint8) == 0x20
    pairs = np.flatnonzero(space[1:] & space[:-1])
    if not pairs.size:
        return []
    firsts = np.flatnonzero(np.diff(pairs) != 1) + 1  # index in `pairs` where a run begins
    lasts = np.append(firsts - 1, pairs.size - 1)
    firsts = np.insert(firsts, 0, 0)
    starts, ends = pairs[firsts], pairs[lasts] + 2
    raw_bytes = np.frombuffer(raw, dtype=np.uint8)
    # newlines in a run: at the first byte of each of its pairs, plus its last byte
    newlines = np.add.reduceat((raw_bytes[pairs] == 0x0A).astype(np.int64), firsts) + (
        raw_bytes[ends - 1] == 0x0A)
    collapse = newlines < 2
    return list(zip(starts[collapse].tolist(), ends[collapse].tolist(), strict=True))


def _nfc_with_map(text: str) -> tuple[str, list[int]]:
    """NFC-normalise ``text`` run by run, with a map from normalised offsets to ``text`` offsets.

    A run is a starter followed by its combining marks (and composing starters such as Hangul
    vowel jamo); a run that composes into fewer code
    points maps all its code points to the run start (matches never start inside a run).
    """
    out: list[str] = []
    mapping: list[int] = []
    run_start = 0
    n = len(text)
    for i in range(1, n + 1):
        if i < n and (unicodedata.combining(text[i]) or text[i] in _COMPOSING_STARTERS):
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
