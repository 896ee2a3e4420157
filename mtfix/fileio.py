"""Reading inputs with clear errors, and writing outputs atomically.

Outputs are written to a temporary file in the target directory, flushed to disk and renamed
over the target, so a crash or Ctrl-C never leaves a half-written file behind.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


class InputError(Exception):
    """An input cannot be processed. The message names the file and says what to do."""


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file exactly (line endings, BOM and trailing whitespace kept)."""
    return decode_text(read_bytes(path), str(path))


READ_BLOCK = 1 << 20
_UMASK = os.umask(0o022)  # read once (os.umask can only be read by setting it) and restored
os.umask(_UMASK)


def _open_error(name: str, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{name}: no such file")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{name}: is a directory")
    if isinstance(exc, PermissionError):
        return InputError(f"{name}: permission denied")
    return InputError(f"{name}: cannot read: {exc.strerror}")


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, with the same clear errors as :func:`read_text`."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _open_error(str(path), exc) from None


def iter_blocks(path: str | Path, block: int = READ_BLOCK) -> Iterator[bytes]:
    """The file's bytes in blocks (for streaming); errors as :func:`read_text`."""
    name = str(path)
    try:
        stream = open(path, "rb")  # closed in the finally below (the generator owns it)
    except OSError as exc:
        raise _open_error(name, exc) from None
    try:
        while True:
            try:
                data = stream.read(block)
            except OSError as exc:
                raise _open_error(name, exc) from None
            if not data:
                return
            yield data
    finally:
        stream.close()


def iter_decoded(blocks: Iterable[bytes], name: str) -> Iterator[str]:
    """Decode UTF-8 blocks incrementally, with the same errors as :func:`decode_text`
    (file, line and byte offset of the first invalid byte); memory stays one block."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    consumed = 0  # bytes before the current block
    lines = 0  # newlines before the current block
    first = True
    for data in blocks:
        if first and b"\x00" in data[:8192]:
            raise InputError(f"{name}: looks like a binary file (contains NUL bytes); "
                             "mtfix reads UTF-8 text")
        first = False
        try:
            text = decoder.decode(data)
        except UnicodeDecodeError as exc:
            # The incremental decoder may hold up to 3 bytes from the previous block.
            held = len(exc.object) - len(data)
            at = consumed - held + exc.start
            line = lines + data.count(b"\n", 0, max(0, exc.start - held)) + 1
            bad = exc.object[exc.start]
            raise InputError(
                f"{name}:{line}: not valid UTF-8 (byte 0x{bad:02x} at offset {at}); convert it "
                f"first, e.g. `iconv -f GB18030 -t UTF-8 {name}`") from None
        consumed += len(data)
        lines += data.count(b"\n")
        if text:
            yield text
    try:
        tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise InputError(f"{name}:{lines + 1}: not valid UTF-8 (the file ends inside a "
                         "multi-byte character); convert it to UTF-8 first") from None
    if tail:
        yield tail


def file_hash(path: str | Path) -> str:
    """sha256 of the file's bytes (hex), read in blocks. For a UTF-8 file its first 16
    characters equal :func:`mtfix.change.text_hash` of the decoded text."""
    digest = hashlib.sha256()
    for data in iter_blocks(path):
        digest.update(data)
    return digest.hexdigest()


def decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file (contains NUL bytes); "
                         "mtfix reads UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); convert it first, e.g. `iconv -f GB18030 -t UTF-8 {name}`"
        ) from None


@contextlib.contextmanager
def atomic_writer(path: str | Path, *, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            with contextlib.suppress(OSError):
                shutil.copymode(target, tmp)
        else:  # mkstemp makes 0600 files; a new output gets the usual umask permissions
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_writer(path) as stream:
        stream.write(text)
