"""The compiled-glossary cache: a process does not parse, compile and self-test glossaries
whose bytes it has loaded before.

Loading the shipped glossaries costs ~0.75 s of CPU (TOML parsing, compiling the entries,
running every entry's examples and the checks between files), most of a short run. All of it
depends only on the bytes of the glossary files (and on this code), so a successful load is
stored as one pickle file named by a hash of:

* every glossary file's path (as given: entries carry it into messages) and exact bytes;
* the mtfix version, :data:`FORMAT` (raised when what is stored changes shape), the Python
  version, and a digest of the glossary engine's own source files (a changed checkout never
  reads a stale entry).

Stored is the :class:`~mtfix.glossary.Glossary` as loaded: files, compiled matcher (without
its automata, which are rebuilt from the stored keys in milliseconds), the interaction
warnings (so a run still prints them once). A load that fails is not stored: the error is
found again each time.

Safety: pickle runs code, so a cache file is read only from this cache's own folder (made
user-only), only under the name the hash gives, and only when it belongs to the current user
and nobody else may write it. A file that is unreadable, corrupt, truncated, of another
format or of another version is ignored and replaced. Writes go to a temporary file then
``os.replace``, so a reader never sees half a file; a folder that cannot be written only
means no cache.

The folder is ``$MTFIX_CACHE_DIR/glossaries`` (or ``$XDG_CACHE_HOME/mtfix/glossaries``, or
``~/.cache/mtfix/glossaries``); ``MTFIX_GLOSSARY_CACHE=off`` switches the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from mtfix._version import __version__
from mtfix.fileio import default_cache_dir
from mtfix.glossary.compile import CompiledGlossary

#: raise when what a cache file holds changes shape (a checkout also changes the code digest)
FORMAT = 1
#: cache files kept (one per set of glossary files loaded; ~0.5 MB for the shipped ones)
KEEP = 16
_MAGIC = b"mtfix-glossary-cache\n"
_OFF = {"0", "off", "no", "false"}


def cache_folder() -> Path | None:
    """Where compiled glossaries are kept, or None when the cache is switched off."""
    if os.environ.get("MTFIX_GLOSSARY_CACHE", "").strip().lower() in _OFF:
        return None
    return default_cache_dir() / "glossaries"


def load_glossary_cached(paths: Iterable[str | Path], *, folder: Path | None = None):
    """``Glossary.load(paths)``, from the cache when these exact bytes were loaded before.

    ``folder``: the cache folder (default :func:`cache_folder`). The result behaves exactly
    as a fresh load; a glossary that does not load raises as ``Glossary.load`` does.
    """
    from mtfix.glossary import Glossary, expand_glossary_paths, read_glossary
    from mtfix.glossary.model import glossary_from_bytes

    files = expand_glossary_paths(paths)
    folder = folder if folder is not None else cache_folder()
    if folder is None:
        return Glossary.load(files)
    try:
        contents = [Path(file).read_bytes() for file in files]
    except OSError:  # the load names the file and the problem
        return Glossary([read_glossary(file) for file in files])
    key = cache_key([str(file) for file in files], contents)
    cached = _read(folder, key)
    if cached is not None:
        return cached
    glossary = Glossary([glossary_from_bytes(data, file) for file, data in zip(files, contents, strict=True)])
    _write(folder, key, glossary)
    return glossary


def cache_key(names: list[str], contents: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in (_MAGIC, str(FORMAT).encode(), __version__.encode(), sys.version.encode(),
                 _code_digest()):
        digest.update(len(part).to_bytes(8, "little") + part)
    for name, data in zip(names, contents, strict=True):
        encoded = name.encode("utf-8", "surrogateescape")
        digest.update(len(encoded).to_bytes(8, "little") + encoded)
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


_CODE_DIGEST: bytes | None = None


def _code_digest() -> bytes:
    """A digest of the source that compiles and checks glossaries (read once per process)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        package = Path(__file__).resolve().parent
        sources = sorted(package.glob("*.py")) + [
            package.parent / name for name in ("change.py", "spans.py", "textutil.py")]
        digest = hashlib.sha256()
        for source in sources:
            with contextlib.suppress(OSError):
                digest.update(source.name.encode() + b"\0" + source.read_bytes())
        _CODE_DIGEST = digest.digest()
    return _CODE_DIGEST


def _path(folder: Path, key: str) -> Path:
    return folder / f"{key}.pickle"


def _read(folder: Path, key: str):
    """The cached glossary under ``key``, or None (missing, foreign, corrupt or stale)."""
    from mtfix.glossary import Glossary

    path = _path(folder, key)
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if not _trusted(info):
                return None
            data = stream.read()
    except OSError:
        return None
    header = _MAGIC + key.encode() + b"\n"
    if not data.startswith(header):
        return None
    try:
        glossary = pickle.loads(memoryview(data)[len(header):])
    except Exception:  # any corrupt or stale file only means: compile again
        return None
    return glossary if isinstance(glossary, Glossary) else None


def _trusted(info: os.stat_result) -> bool:
    """Ours and writable by no one else (pickle runs code: never load someone else's file)."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _write(folder: Path, key: str, glossary) -> None:
    """Store ``glossary`` atomically; any failure (read-only folder, full disk) is ignored."""
    try:
        data = _dumps(glossary)
    except Exception:  # something that does not pickle: run without a cache
        return
    temp = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as stream:
            stream.write(_MAGIC + key.encode() + b"\n" + data)
        os.replace(temp, _path(folder, key))
        temp = None
        _prune(folder)
    except OSError:
        pass
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _prune(folder: Path) -> None:
    """Keep the :data:`KEEP` most recently written files (each edit of a glossary makes a
    new one)."""
    files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


class _Pickler(pickle.Pickler):
    """Pickles a compiled matcher as its compiled state (workers get only its entries and
    compile again: see ``CompiledGlossary.__reduce__``), and its regexes as
    :class:`LazyPattern` (most neighbour and context conditions never run in a given text)."""

    def reducer_override(self, obj):
        kind = type(obj)
        if kind is CompiledGlossary:
            return _restore_compiled, (obj.cache_state(),)
        if kind is re.Pattern:
            return LazyPattern, (obj.pattern, obj.flags)
        return NotImplemented


class LazyPattern:
    """A regex compiled on first use: stands for ``re.compile(pattern, flags)``.

    Compiling the ~150 regexes of the shipped glossaries' conditions costs ~0.15 s of a
    start-up from the cache; a text needs few of them. The first attribute looked up
    compiles the pattern and binds its methods on this object, so later calls cost what the
    compiled pattern's own do. Pickled, it is the compiled pattern.
    """

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str):  # only for what is not bound yet
        if name.startswith("__") or name == "_flags":
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self._flags)
        for attr in _PATTERN_ATTRIBUTES:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __reduce__(self):
        return re.compile, (self.pattern, self._flags)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self._flags})"


_PATTERN_ATTRIBUTES = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn",
                       "split", "scanner", "flags", "groups", "groupindex")


def _restore_compiled(state: dict) -> CompiledGlossary:
    return CompiledGlossary.from_cache_state(state)


def _dumps(glossary) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(glossary)
    return buffer.getvalue()
