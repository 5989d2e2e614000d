"""Where transcripts come from: files, folders (recursively), standard input and http(s) URLs.

Each source becomes ``(raw bytes, source name)``; decoding is the ingester's job.
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from pressarchive.errors import InputError

TRANSCRIPT_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml")
FETCH_TIMEOUT = 20.0  # seconds without an answer before a URL fails
FETCH_DEADLINE = 90.0  # seconds for the whole request
MAX_FETCH_BYTES = 20 * 1024 * 1024

_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def is_url(source: str) -> bool:
    """True for an http(s) URL."""
    return source.lower().startswith(("http://", "https://"))


@dataclass
class Expanded:
    """Sources to read, and what a folder walk left out: ``(path, why)`` pairs."""

    sources: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


LINK_OUT = "a link leading out of the folder"


def expand(sources: list[str], follow_links: bool = False) -> Expanded:
    """Sources as given, with each folder replaced by the transcripts inside it (hidden files skipped).

    A walk reads regular files only (a named pipe, a device or a socket could hang or never end) and
    stays inside the folder: a symbolic link leading out of it is skipped unless ``follow_links``.
    Each file left out is in ``skipped`` with the reason. A folder holding no transcript stays in
    the list, so that reading it reports why.
    """
    out = Expanded()
    found: list[str] = []
    for source in sources:
        if source != "-" and not is_url(source) and os.path.isdir(source):
            inside = list(_walk(Path(source), follow_links, out.skipped))
            found.extend(inside or [source])
        else:
            found.append(source)
    out.sources = list(dict.fromkeys(found))
    return out


def _inside(path: str, root: str) -> bool:
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _walk(folder: Path, follow_links: bool, skipped: list[tuple[str, str]]):
    from pressarchive.ingest.read import not_regular

    root = os.path.realpath(folder)
    seen: set[str] = set()
    files_seen: set[str] = set()  # a file and a link to it inside the folder: read once
    for here, dirs, files in os.walk(folder, followlinks=follow_links):
        real = os.path.realpath(here)
        if real in seen:  # a link back to a folder already walked
            dirs[:] = []
            continue
        seen.add(real)
        kept = []
        for d in sorted(d for d in dirs if not d.startswith(".")):
            path = os.path.join(here, d)
            if os.path.islink(path) and not follow_links and not _inside(path, root):
                skipped.append((path, LINK_OUT))
            elif not (os.path.islink(path) and not follow_links):
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(TRANSCRIPT_EXTENSIONS):
                continue
            path = os.path.join(here, name)
            if not follow_links and os.path.islink(path) and not _inside(path, root):
                skipped.append((path, LINK_OUT))
                continue
            why = not_regular(path)
            if why:
                skipped.append((path, why))
                continue
            real = os.path.realpath(path)
            if real not in files_seen:
                files_seen.add(real)
                yield path


def read_source(source: str) -> tuple[bytes, str]:
    """The bytes of one source and the name to record it under."""
    if is_url(source):
        return fetch_url(source)
    if source != "-" and os.path.isdir(source):
        raise InputError(f"{source}: no transcripts ({', '.join(TRANSCRIPT_EXTENSIONS)}) in this folder")
    from pressarchive.ingest import read_input

    return read_input(source)


def fetch_deadline() -> float:
    """Seconds a whole download may take (FETCH_DEADLINE, read at each call)."""
    return FETCH_DEADLINE


def fetch_url(
    url: str, timeout: float = FETCH_TIMEOUT, max_bytes: int = MAX_FETCH_BYTES, deadline: float | None = None
) -> tuple[bytes, str]:
    """Download a transcript page; returns (bytes, file name).

    Limits: ``timeout`` seconds without an answer, ``deadline`` seconds for the whole request
    (connecting, headers, body: a server that sends a byte now and then is cut there too),
    ``max_bytes``; a body shorter than its Content-Length is an error, and so is a redirect to
    anything but http(s).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url}: not an http(s) URL")
    deadline = fetch_deadline() if deadline is None else deadline
    download = _Download(url, timeout, max_bytes)
    worker = threading.Thread(target=download.run, name="pressarchive-fetch", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        download.cancel()
        worker.join(1.0)
        raise InputError(f"{url}: the download took longer than {deadline:g}s")
    if download.error is not None:
        raise download.error
    return download.result


class _Download:
    """One download, run in a thread so that the caller can give up at the deadline; ``cancel``
    shuts the connection's socket, which ends a read blocked in the thread."""

    def __init__(self, url: str, timeout: float, max_bytes: int):
        self.url, self.timeout, self.max_bytes = url, timeout, max_bytes
        self.result: tuple[bytes, str] = (b"", "")
        self.error: InputError | None = None
        self.cancelled = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def watch(self, sock) -> None:
        with self._lock:
            self._sockets.append(sock)
            cancelled = self.cancelled
        if cancelled:
            self._shut(sock)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock) -> None:
        try:
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket's, also under TLS
        except OSError:
            pass

    def run(self) -> None:
        try:
            self.result = self._fetch()
        except InputError as err:
            self.error = err
        except Exception as err:  # noqa: BLE001 - whatever the connection raised, one line
            self.error = InputError(f"{self.url}: could not fetch ({_describe(err)})")

    def _fetch(self) -> tuple[bytes, str]:
        url, max_bytes = self.url, self.max_bytes
        too_big = f"{url}: the page is larger than {max_bytes // (1024 * 1024)} MiB"
        request = urllib.request.Request(
            url, headers={"User-Agent": "pressarchive", "Accept": "text/html, text/plain;q=0.9, */*;q=0.5"}
        )
        opener = urllib.request.build_opener(
            _Redirects(url), _Http(self), _Https(self), urllib.request.HTTPErrorProcessor)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                length = response.headers.get("Content-Length")
                expected = int(length) if length and length.strip().isdigit() else None
                if expected is not None and expected > max_bytes:
                    raise InputError(too_big)
                body = bytearray()
                while True:
                    chunk = response.read1(65536)
                    if not chunk:
                        break
                    body += chunk
                    if len(body) > max_bytes:
                        raise InputError(too_big)
                if expected is not None and len(body) < expected and not response.headers.get("Content-Encoding"):
                    raise InputError(f"{url}: the download was cut short ({len(body):,} of {expected:,} bytes)")
                content_type = response.headers.get_content_type()
                final_url = response.geturl() or url
        except InputError:
            raise
        except urllib.error.HTTPError as err:
            raise InputError(f"{url}: HTTP {err.code} {err.reason}") from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, InputError):
                raise err.reason from err
            if isinstance(err.reason, (socket.timeout, TimeoutError)):
                raise InputError(f"{url}: no answer within {self.timeout:g}s") from err
            raise InputError(f"{url}: could not fetch ({_describe(err.reason)})") from err
        except (socket.timeout, TimeoutError) as err:
            raise InputError(f"{url}: no answer within {self.timeout:g}s") from err
        except (OSError, ValueError, http.client.HTTPException) as err:
            if self.cancelled:
                raise InputError(f"{url}: the download was stopped") from err
            raise InputError(f"{url}: could not fetch ({_describe(err)})") from err
        raw = bytes(body)
        return raw, url_file_name(final_url, content_type, raw[:1024])


def _describe(err: BaseException | str) -> str:
    """One line for what went wrong on the connection: HTTP protocol errors by what they mean."""
    if isinstance(err, http.client.IncompleteRead):
        return "the connection closed before the whole page arrived"
    if isinstance(err, http.client.RemoteDisconnected):
        return "the server closed the connection without an answer"
    if isinstance(err, http.client.LineTooLong):
        return "the server's answer has a header line too long"
    if isinstance(err, http.client.BadStatusLine):
        return "the server's answer is not HTTP"
    if isinstance(err, http.client.HTTPException):
        return f"the server's answer is malformed ({type(err).__name__})"
    text = " ".join(str(err).split())
    return text[:200] or type(err).__name__


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) addresses only (urllib would follow one to ftp://)."""

    def __init__(self, url: str):
        self.url = url

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urljoin(req.full_url, newurl)
        if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
            raise InputError(f"{self.url}: redirected to {target!r}, which is not an http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _watched(base):
    class Watched(base):
        def connect(self):
            super().connect()
            self._download.watch(self.sock)

    return Watched


_WatchedHTTP = _watched(http.client.HTTPConnection)
_WatchedHTTPS = _watched(http.client.HTTPSConnection)


def _connector(connection_class, download: _Download):
    """What ``do_open`` calls for a connection: one of ``connection_class`` watched by ``download``."""
    def connection(*args, **kwargs):
        conn = connection_class(*args, **kwargs)
        conn._download = download
        return conn

    return connection


class _Http(urllib.request.HTTPHandler):
    def __init__(self, download: _Download):
        super().__init__()
        self.download = download

    def http_open(self, req):
        return self.do_open(_connector(_WatchedHTTP, self.download), req)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, download: _Download):
        super().__init__()
        self.download = download

    def https_open(self, req):
        return self.do_open(_connector(_WatchedHTTPS, self.download), req, context=self._context)


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
