"""Atomic file writes: a temporary file beside the target, flushed and fsynced, then ``os.replace``.

A reader sees the old file or the new one, never half of one; a failure leaves no temporary file.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8",
                newline: str | None = None, sync_dir: bool = False) -> Iterator[IO]:
    """Open ``path`` for writing through a temporary file; it replaces ``path`` when the block succeeds."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_dir:
        fsync_dir(target.parent)


def write_atomic(path: str | os.PathLike[str], data: bytes, sync_dir: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (and fsync the folder, so the rename survives a crash)."""
    with atomic_open(path, "wb", sync_dir=sync_dir) as handle:
        handle.write(data)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries to disk (where the platform allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
