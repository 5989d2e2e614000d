"""The ingester: raw transcript bytes in any common encoding and format -> a normalised Record."""
from __future__ import annotations

import sys
from pathlib import Path

from pressarchive.errors import InputError
from pressarchive.records import Record, content_hash


def ingest_bytes(raw: bytes, source_name: str = "", overrides: dict | None = None) -> Record:
    """Read and parse one transcript. Raises InputError / NoTranscriptError with a one-line message."""
    from pressarchive.ingest.parse import parse
    from pressarchive.ingest.read import read

    doc = read(raw, source_name)
    record = parse(doc, source_name, overrides)
    record.conference.content_hash = content_hash(raw)
    return record


def read_input(path: str) -> tuple[bytes, str]:
    """The bytes of a file (or standard input for ``-``) and the name to record as its source."""
    from pressarchive.ingest.read import read_file, read_stream

    if path == "-":
        return read_stream(sys.stdin.buffer, "standard input"), "stdin"
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(f"{path} is a folder, not a file")
        return read_file(path), p.name
    except FileNotFoundError as err:
        raise InputError(f"no such file: {path}") from err
    except PermissionError as err:
        raise InputError(f"cannot read {path}: permission denied") from err
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
