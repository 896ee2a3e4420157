"""Inputs named by a URI: anything pyarrow's file systems open (``file://``, ``s3://``,
``gs://``, ``hdfs://``...), or fsspec's (``memory://``, ``hf://``...) where pyarrow has none.

A run reads its inputs from disk (each is hashed, read, and may be planned into pieces), so a
URI input is copied once, by the run's process, into the run's parts folder before any work
(:func:`mtfix.batch.fix_paths` does it as it does for pipes): workers and Ray actors read the
copy. The change records name the file by its URI; its output is named as a local file's
(``-o OUT``: ``OUT/`` + its path under the URI named). Requires pyarrow
(``pip install "mtfix[parquet]"``); credentials come from the environment as pyarrow and
fsspec read them.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from mtfix.fileio import atomic_writer

_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # (two letters at least: not C://)
_HELP = ("give a local path, or a URI of a file system pyarrow or fsspec opens (file://, "
         "s3://, gs://, hdfs://, memory://...)")


class UriError(OSError):
    """A URI that cannot be opened or read; the message names it and says what to do."""


def is_uri(arg: str) -> bool:
    return bool(_URI.match(arg))


def open_uri(uri: str) -> tuple[Any, str]:
    """(pyarrow file system, path in it) for ``uri``; :class:`UriError` when neither pyarrow
    nor fsspec knows the scheme, or the file system cannot be set up (credentials, region)."""
    try:
        import pyarrow.fs as pafs
    except ImportError:
        raise UriError(f"{uri}: reading a URI needs pyarrow: pip install \"mtfix[parquet]\"") \
            from None
    try:
        return pafs.FileSystem.from_uri(uri)
    except Exception as exc:  # ArrowInvalid (unknown scheme), OSError (set-up failed)
        first = _first_line(exc)
        if "Unrecognized filesystem type" not in first:
            raise UriError(f"{uri}: cannot open it ({first}); check the URI and the "
                           "credentials in the environment") from None
    try:
        import fsspec.core
        from pyarrow.fs import FSSpecHandler, PyFileSystem

        fs, path = fsspec.core.url_to_fs(uri)
    except ImportError:
        raise UriError(f"{uri}: pyarrow does not know this kind of URI; {_HELP}") from None
    except Exception as exc:  # ValueError (unknown protocol), ImportError of a backend...
        raise UriError(f"{uri}: neither pyarrow nor fsspec opens it ({_first_line(exc)}); "
                       f"{_HELP}") from None
    return PyFileSystem(FSSpecHandler(fs)), path


def list_uri(uri: str, suffixes: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(URI of a file, its path under ``uri``) for ``uri`` itself when it names a file, else
    for each file below it whose suffix is in ``suffixes`` (hidden names left out), sorted.
    :class:`UriError` when it does not exist or cannot be listed."""
    import pyarrow.fs as pafs

    fs, path = open_uri(uri)
    try:
        info = fs.get_file_info(path)
        if info.type == pafs.FileType.File:
            yield uri, PurePosixPath(path).name
            return
        if info.type != pafs.FileType.Directory:
            raise UriError(f"{uri}: no such file or folder; check the URI")
        found = fs.get_file_info(pafs.FileSelector(path, recursive=True))
    except UriError:
        raise
    except Exception as exc:
        raise UriError(f"{uri}: cannot list it ({_first_line(exc)}); check the URI and the "
                       "credentials in the environment") from None
    base = uri.rstrip("/")
    top = path.rstrip("/")
    for entry in sorted((e for e in found if e.type == pafs.FileType.File),
                        key=lambda e: e.path):
        rel = entry.path[len(top):].lstrip("/") if entry.path.startswith(top) else entry.base_name
        parts = PurePosixPath(rel).parts
        if any(part.startswith(".") for part in parts):
            continue
        if PurePosixPath(rel).suffix.lower() in suffixes:
            yield f"{base}/{rel}", rel


def copy_uri(uri: str, copy: Any) -> None:
    """Copy the file at ``uri`` to the local file ``copy`` (written atomically)."""
    fs, path = open_uri(uri)
    try:
        with fs.open_input_stream(path) as stream, atomic_writer(copy, mode="wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
    except UriError:
        raise
    except OSError as exc:  # reading it (pyarrow's errors are OSErrors), or writing the copy
        raise UriError(f"{uri}: cannot copy it to {copy} ({_first_line(exc)}); check the URI, "
                       "the credentials in the environment and the space on disk") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
