"""Reading inputs with clear errors, and writing outputs atomically.

Outputs are written to a temporary file in the target directory, flushed to disk and renamed
over the target, so a crash or Ctrl-C never leaves a half-written file behind.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


class InputError(Exception):
    """An input cannot be processed. The message names the file and says what to do."""


def default_cache_dir() -> Path:
    """``$MTFIX_CACHE_DIR``, else ``$XDG_CACHE_HOME/mtfix``, else ``~/.cache/mtfix``: where
    the rewrite cache and the compiled-glossary cache live."""
    if folder := os.environ.get("MTFIX_CACHE_DIR"):
        return Path(folder).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "mtfix"


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file exactly (line endings, BOM and trailing whitespace kept)."""
    return decode_text(read_bytes(path), str(path))


READ_BLOCK = 1 << 20
_UMASK = os.umask(0o022)  # read once (os.umask can only be read by setting it) and restored
os.umask(_UMASK)


def _open_error(name: str, exc: OSError) -> InputError:
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{name}: no such file; check the path (a typo, or the file moved?)")
    if isinstance(exc, IsADirectoryError):
        return InputError(f"{name}: is a directory; give a file here (`mtfix fix` itself "
                          "takes folders and searches them)")
    if isinstance(exc, PermissionError):
        return InputError(f"{name}: permission denied; make it readable (chmod u+r) or "
                          "leave it out")
    return InputError(f"{name}: cannot read: {exc.strerror}; check the file and the disk, "
                      "then run again")


def binary_error(name: str, data: bytes) -> InputError:
    """The error for a file with NUL bytes: UTF-16 text (common from Windows tools) gets its
    conversion command, anything else what mtfix reads and how to get there."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return InputError(f"{name}: is UTF-16 text, mtfix reads UTF-8; convert it first, e.g. "
                          f"`iconv -f UTF-16 -t UTF-8 {name} > {name}.utf8`")
    order = utf16_byte_order(data)
    if order is not None:  # iconv reads UTF-16 without a BOM as big-endian: name the order
        return InputError(f"{name}: is UTF-16 text (without a byte order mark), mtfix reads "
                          f"UTF-8; convert it first, e.g. "
                          f"`iconv -f UTF-16{order} -t UTF-8 {name} > {name}.utf8`")
    return InputError(f"{name}: looks like a binary file (contains NUL bytes); mtfix reads "
                      "UTF-8 text: export the text first (e.g. save a Word or PDF file as "
                      ".txt), or leave this file out")


def utf16_byte_order(data: bytes) -> str | None:
    """"LE" or "BE" if ``data`` (a file's first bytes) is UTF-16 text without a byte order
    mark, else None. Such files (from Windows tools) hold NUL bytes, but at alternate
    positions (the high byte of ASCII characters), and read in that byte order they are
    printable text; a binary file is neither."""
    sample = data[:8192]
    sample = sample[:len(sample) // 2 * 2]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for order, zeros, other in (("LE", odd, even), ("BE", even, odd)):
        if zeros < 0.3 * half or other > 0.02 * half:
            continue
        text = sample.decode(f"utf-16-{order.lower()}", errors="replace")
        printable = sum(c.isprintable() or c in "\t\r\n" for c in text)
        if printable >= 0.95 * len(text):
            return order
    return None


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
            raise binary_error(name, data)
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


def iter_lines(source: str | Path, max_chars: int | None = None, advice: str = ""
               ) -> Iterator[str]:
    """Lines of a UTF-8 file (ends kept), streamed. With ``max_chars``, a longer line is an
    :class:`InputError` naming it (``advice``: what to do), raised before it is held whole."""
    pending = ""
    number = 1  # of the line in pending
    for block in iter_decoded(iter_blocks(source), str(source)):
        pending += block
        if "\n" not in block:
            _check_line_length(source, number, pending, max_chars, advice)
            continue
        lines = pending.split("\n")
        pending = lines.pop()
        for line in lines:
            _check_line_length(source, number, line, max_chars, advice)
            yield line + "\n"
            number += 1
    if pending:
        _check_line_length(source, number, pending, max_chars, advice)
        yield pending


def is_regular_file(path: str | Path) -> bool:
    """False for a pipe, FIFO, socket or device (``/dev/stdin``, ``<(cmd)``, ``mkfifo``): what
    can be read only once. True for a regular file, and for a path that cannot be looked at
    (reading it then gives the usual clear error)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def spool(path: str | Path, copy: str | Path) -> None:
    """Read ``path`` once, to its end, into the regular file ``copy`` (written atomically), so
    that it can be read again: a pipe or FIFO gives its bytes only once. Read errors as
    :func:`read_text`."""
    with atomic_writer(copy, mode="wb") as out:
        for block in iter_blocks(path):
            out.write(block)


def _check_line_length(source: str | Path, number: int, line: str, max_chars: int | None,
                       advice: str) -> None:
    """A one-segment-per-line format holds a line whole: past ``max_chars`` memory and time
    would grow without bound (a 200 MB line), so the file is refused, naming the line."""
    if max_chars is not None and len(line) > max_chars:
        raise InputError(f"{source}:{number}: line {number} is longer than {max_chars:,} "
                         f"characters, the most mtfix takes as one segment; {advice}")


def file_hash(path: str | Path) -> str:
    """sha256 of the file's bytes (hex), read in blocks. For a UTF-8 file its first 16
    characters equal :func:`mtfix.change.text_hash` of the decoded text."""
    digest = hashlib.sha256()
    for data in iter_blocks(path):
        digest.update(data)
    return digest.hexdigest()


def file_signature(path: str | Path) -> tuple[int, int, int, int]:
    """What changes when the file at ``path`` is written to or replaced (inode, size,
    modification and change times in ns): compared before and after a file is read more
    than once (:func:`check_unchanged`)."""
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def check_unchanged(path: str | Path, signature: tuple[int, int, int, int], name: str,
                    outcome: str = "nothing was written for it") -> None:
    """Raise :class:`InputError` unless ``path`` still has ``signature``
    (:func:`file_signature`): a file written to between two reads, even to the same length,
    would give an output made of two versions, and a file replaced in place would lose what
    the other writer wrote. ``outcome``: what the message says became of the file."""
    try:
        now = file_signature(path)
    except OSError as exc:
        raise InputError(f"{name}: the file went away while it was being fixed "
                         f"({exc.strerror}); {outcome}") from exc
    if now != signature:
        raise changed_while_fixed(name, outcome)


def changed_while_fixed(name: str, outcome: str = "nothing was written for it") -> InputError:
    """The error for a file written to while mtfix was fixing it; ``outcome``: what became
    of it."""
    return InputError(f"{name}: the file changed while it was being fixed; {outcome}: run "
                      "mtfix again once nothing writes to it")


def decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise binary_error(name, data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); convert it first, e.g. `iconv -f GB18030 -t UTF-8 {name}`"
        ) from None


@contextlib.contextmanager
def atomic_writer(path: str | Path, *, mode: str = "w", errors: str = "strict") -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically.

    ``errors``: how a text stream encodes what UTF-8 cannot: ``"backslashreplace"`` suits
    reports, which may show a file name that is not UTF-8 (surrogate-escaped: ``\\udce9``).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".tmp", dir=target.parent)
    try:
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "", "errors": errors}
        with os.fdopen(fd, mode, **kwargs) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        _put_in_place(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def link_atomic(source: str | Path, path: str | Path) -> bool:
    """Make ``path`` (atomically, as :func:`atomic_writer` would) a hard link to ``source``, a
    complete file this run wrote and synced, with the permissions ``path`` had or a new file
    gets; ``source`` is then removed or overwritten only by replacing it (its data stays
    ``path``'s). False, and nothing done, where the file system cannot link (the caller
    copies): a change log of hundreds of MB is then not copied once more."""
    target = Path(path)
    tmp = target.with_name(f"{temp_prefix(target.name)}link.tmp")
    try:
        os.link(source, tmp)
    except OSError:
        return False
    try:
        _put_in_place(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _put_in_place(tmp: str | Path, target: Path) -> None:
    """Replace ``target`` by the finished file ``tmp`` (one rename), with the permissions
    ``target`` had, or those a new file gets (mkstemp makes 0600 files; a new output gets the
    usual umask permissions)."""
    if target.exists():
        with contextlib.suppress(OSError):
            shutil.copymode(target, tmp)
    else:
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~_UMASK)
    os.replace(tmp, target)


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_writer(path) as stream:
        stream.write(text)


def backup_path_for(path: str | Path) -> Path:
    """The first free backup name for ``path``: ``NAME.orig``, else ``NAME.orig.1``, ``.2``...

    An existing backup is never overwritten: after two in-place runs it may be the only copy
    of the original text.
    """
    path = Path(path)
    candidate = path.with_name(path.name + ".orig")
    number = 0
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.name}.orig.{number}")
    return candidate


def numbered_free_path(path: str | Path, taken: Iterable[Path] = ()) -> Path:
    """``path`` if nothing is there, else the first free ``STEM.1.SUFFIX``, ``STEM.2.SUFFIX``...
    (``mtfix.changes.jsonl`` -> ``mtfix.changes.1.jsonl``), skipping the paths in ``taken``
    (files the caller is about to write). Like :func:`backup_path_for`, for files that keep
    their extension (change logs)."""
    path = Path(path)
    reserved = {p.resolve() for p in taken}
    candidate = path
    number = 0
    while candidate.exists() or candidate.is_symlink() or candidate.resolve() in reserved:
        number += 1
        candidate = path.with_name(f"{path.stem}.{number}{path.suffix}")
    return candidate


def _copy_no_clobber(source: Path, first_choice: Path) -> Path:
    """Copy ``source`` (bytes and mode) to ``first_choice`` or the next free backup name;
    the copy appears complete or not at all, and never replaces an existing file."""
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(source.name), suffix=".orig.tmp",
                               dir=source.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for block in iter_blocks(source):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            shutil.copymode(source, tmp)
        target = first_choice
        while True:
            try:
                os.link(tmp, target)  # fails if the name is taken (unlike os.replace)
                return target
            except FileExistsError:
                target = backup_path_for(source)
            except OSError:  # a file system without hard links: check, then rename
                if target.exists():
                    target = backup_path_for(source)
                    continue
                os.replace(tmp, target)
                return target
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


@contextlib.contextmanager
def staged_output(path: str | Path) -> Iterator[Path]:
    """A temporary file beside ``path`` for the body to write; on success it replaces ``path``
    (as :func:`atomic_writer` would), on an exception it is removed and ``path`` is left as
    it was. For a writer that must check something after writing and before the output is
    visible (the input unchanged meanwhile: :func:`check_unchanged`)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=".new.tmp",
                               dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        _put_in_place(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


class InPlaceUpdate:
    """Where an in-place fix writes (``scratch``) and, afterwards, what happened to the file."""

    def __init__(self, path: Path, scratch: Path) -> None:
        self.path = path
        self.scratch = scratch
        self.changed = False  # the file was rewritten
        self.backup: Path | None = None  # where the original went, if a backup was made

    def describe(self) -> str | None:
        """A line for the user when the backup is not the plain ``NAME.orig``; else None."""
        plain = self.path.with_name(self.path.name + ".orig")
        if self.backup is not None and self.backup != plain:
            return (f"{self.path}: {plain.name} already exists and was kept; "
                    f"this run's backup is {self.backup.name}")
        return None


@contextlib.contextmanager
def in_place_update(path: str | Path, *, backup: bool = True) -> Iterator[InPlaceUpdate]:
    """Replace ``path`` with what the body writes to ``update.scratch``, safely.

    If the new bytes equal the old ones the file is not touched and no backup is made (so a
    second run keeps the first run's backup as the only copy of the original). Otherwise the
    original is copied to ``NAME.orig`` -- or, when that exists, to the next free name
    ``NAME.orig.1``, ``NAME.orig.2``... (an existing backup is never overwritten) -- and the
    new content replaces ``path`` atomically. On an exception nothing is changed; nor when
    the file was written to meanwhile (:class:`InputError`: the other writer's content stays).

    A symbolic link is followed: the file it points to is updated (its backup beside it) and
    the link stays a link; replacing the link itself would turn it into a copy and leave the
    file it points to unfixed.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve(strict=True)
    signature = file_signature(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".new.tmp", dir=path.parent)
    os.close(fd)
    update = InPlaceUpdate(path, Path(tmp))
    try:
        yield update
        check_unchanged(path, signature, str(path), "it was left as the other writer left it")
        if file_hash(tmp) == file_hash(path):
            return
        if backup:
            update.backup = _copy_no_clobber(path, backup_path_for(path))
        with contextlib.suppress(OSError):
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
        update.changed = True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


# -- temporary files of killed processes ---------------------------------------------------------

# ".NAME.mtfix-PID.RANDOM.tmp" (also ".new.tmp", ".orig.tmp"): RANDOM is mkstemp's 8 characters
_TEMP_NAME = re.compile(r"\..+\.mtfix-(?P<pid>[1-9][0-9]*)\.[a-z0-9_]{8}(?:\.new|\.orig)?\.tmp")


def temp_prefix(name: str) -> str:
    """The start of a temporary file's name for ``name``: hidden, and carrying our process id,
    so that :func:`remove_stale_temp_files` can tell the leftovers of a killed process (whose
    ``finally`` never ran) from a file another process is writing now."""
    return f".{name}.mtfix-{os.getpid()}."


def remove_stale_temp_files(folder: str | Path) -> list[Path]:
    """Remove from ``folder`` (not its sub-folders) the temporary files of OUR naming
    (:func:`temp_prefix`) whose writing process is dead; returns them. Anything else, and the
    temporary files of live processes, are left alone. A missing folder has none."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        if _process_alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (a reused id counts as alive: the file
    is then kept, the safe side)."""
    try:
        os.kill(pid, 0)  # signal 0: only checks
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):  # someone else's process, or unknowable
        return True
    return True


# -- one writer per folder -----------------------------------------------------------------------

class LockHeld(Exception):
    """Another process holds the lock; ``holder`` is its process id if it wrote one."""

    def __init__(self, path: Path, holder: int | None) -> None:
        super().__init__(f"{path} is locked" + (f" by process {holder}" if holder else ""))
        self.path = path
        self.holder = holder


@contextlib.contextmanager
def exclusive_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the body, without
    waiting: :class:`LockHeld` if another process holds it. The kernel releases an flock when
    its process ends, however it ends, so a crash never leaves a stuck lock; the lock file is
    removed on a normal exit. OSError (e.g. PermissionError) if ``path`` cannot be created.
    Where there is no ``fcntl`` (Windows) nothing is locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    path = Path(path)
    for _ in range(10):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise LockHeld(path, holder) from None
        if _same_file(fd, path):
            break
        # The holder removed the file between our open and our lock (it was finishing): the
        # lock we hold is on that removed file, which nobody else will look at; try again.
        os.close(fd)
    else:
        raise LockHeld(path, None)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        # Removed while still held: a process that opened it meanwhile sees it is gone (above).
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
        return int(text) if text.isdigit() else None
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def read_settings_text(path: str | Path, error: type[Exception], kind: str) -> str:
    """A small UTF-8 file mtfix reads for its own settings (a configuration, a decisions file),
    whole. A missing or unreadable file raises ``error`` naming the file and ``kind``, so the
    caller's message reads like its other errors."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: no such {kind}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read: {exc}") from None
