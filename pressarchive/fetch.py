"""Where transcripts come from: files, folders (recursively), standard input and http(s) URLs.

Each source becomes ``(raw bytes, source name)``; decoding is the ingester's job.
"""
from __future__ import annotations

import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from pressarchive.errors import InputError

TRANSCRIPT_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml")
FETCH_TIMEOUT = 20.0  # seconds without an answer before a URL fails
FETCH_DEADLINE = 90.0  # seconds for the whole download
MAX_FETCH_BYTES = 20 * 1024 * 1024

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def is_url(source: str) -> bool:
    """True for an http(s) URL."""
    return source.lower().startswith(("http://", "https://"))


def expand(sources: list[str]) -> list[str]:
    """Sources as given, with each folder replaced by the transcripts inside it (hidden files skipped).

    A folder holding no transcript stays in the list, so that reading it reports why.
    """
    out: list[str] = []
    for source in sources:
        if source != "-" and not is_url(source) and os.path.isdir(source):
            found = list(_walk(Path(source)))
            out.extend(found or [source])
        else:
            out.append(source)
    return list(dict.fromkeys(out))


def _walk(folder: Path):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and name.lower().endswith(TRANSCRIPT_EXTENSIONS):
                yield str(Path(root) / name)


def read_source(source: str) -> tuple[bytes, str]:
    """The bytes of one source and the name to record it under."""
    if is_url(source):
        return fetch_url(source)
    if source != "-" and os.path.isdir(source):
        raise InputError(f"{source}: no transcripts ({', '.join(TRANSCRIPT_EXTENSIONS)}) in this folder")
    from pressarchive.ingest import read_input

    return read_input(source)


def fetch_url(
    url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_FETCH_BYTES
) -> tuple[bytes, str]:
    """Download a transcript page with a timeout and a size limit; returns (bytes, file name)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(
        url, headers={"User-Agent": "pressarchive", "Accept": "text/html, text/plain;q=0.9, */*;q=0.5"}
    )
    deadline = time.monotonic() + FETCH_DEADLINE
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(f"{url}: the page is larger than {max_bytes // (1024 * 1024)} MiB")
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"{url}: the page is larger than {max_bytes // (1024 * 1024)} MiB")
                if time.monotonic() > deadline:
                    raise InputError(f"{url}: the download took longer than {FETCH_DEADLINE:g}s")
                chunks.append(chunk)
            content_type = response.headers.get_content_type()
            final_url = response.geturl() or url
    except urllib.error.HTTPError as err:
        raise InputError(f"{url}: HTTP {err.code} {err.reason}") from err
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise InputError(f"{url}: no answer within {timeout:g}s") from err
        raise InputError(f"{url}: could not fetch ({reason})") from err
    except (socket.timeout, TimeoutError) as err:
        raise InputError(f"{url}: no answer within {timeout:g}s") from err
    except (OSError, ValueError) as err:  # connection reset, bad chunking, malformed headers
        raise InputError(f"{url}: could not fetch ({err})") from err
    raw = b"".join(chunks)
    return raw, url_file_name(final_url, content_type, raw[:1024])


def url_file_name(url: str, content_type: str = "text/html", head: bytes = b"") -> str:
    """A file name for a fetched page: its last path segment, with an extension from the content type
    (or, for a vague one such as application/octet-stream, from the first bytes)."""
    parts = urllib.parse.urlsplit(url)
    base = urllib.parse.unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) or (parts.hostname or "page")
    base = _NAME_UNSAFE.sub("-", base).strip("-.") or "page"
    if not base.lower().endswith(TRANSCRIPT_EXTENSIONS):
        known = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "text/markdown": ".md"}
        sniffed = ".html" if re.search(rb"<(!doctype|html|head|body|p|div)\b", head[:1024].lower()) else ".txt"
        base += known.get(content_type, sniffed)
    return base[-120:]
