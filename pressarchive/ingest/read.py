"""Bytes -> text blocks: encoding detected, HTML and Markdown reduced to paragraphs, headings, captions.

The parser downstream sees only ``Block``s with a kind and a 1-based source position, whatever the
input format was.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata

from pressarchive.errors import InputError
from pressarchive.ingest.blocks import Block, Document, clean_line

MAX_BYTES = 50 * 1024 * 1024
_CHUNK = 1024 * 1024


def _too_big(what: str, size: int | None = None) -> InputError:
    limit = MAX_BYTES // (1024 * 1024)
    told = f"{size // (1024 * 1024)} MB" if size is not None else f"over {limit} MB"
    return InputError(f"{what} is {told}; transcripts over {limit} MB are refused")


def read_stream(stream, what: str = "the input", limit: int = MAX_BYTES) -> bytes:
    """At most ``limit`` bytes of a binary stream, read in chunks: InputError as soon as there are
    more, so memory stays bounded whatever the stream holds (a pipe, /dev/zero)."""
    chunks: list[bytes] = []  # joined once at the end: a growing buffer may be copied as it grows
    size = 0
    while size <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise _too_big(what)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def not_regular(path: str) -> str | None:
    """Why ``path`` (symbolic links followed) is not a regular file to read, or None when it is one."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reading it reports why
    return None if stat.S_ISREG(mode) else _kind(mode)


def read_file(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most ``limit``: a named pipe, a device or a socket is refused
    without waiting on it (opened non-blocking, checked on the open file), a bigger file before it is read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = _kind(info.st_mode)
            raise InputError(f"{path} is {what}, not a regular file; only files are read"
                             if what != "not a regular file" else f"{path} is not a regular file; only files are read")
        if info.st_size > limit:
            raise _too_big("the file", info.st_size)
        with os.fdopen(fd, "rb", closefd=True) as stream:
            fd = -1
            return read_stream(stream, "the file", limit)  # it may have grown since fstat
    finally:
        if fd >= 0:
            os.close(fd)


# --- encoding ---------------------------------------------------------------------------------
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document (convert it to text first)",
    b"PK\x03\x04": "a ZIP archive or Office document (save it as text or HTML first)",
    b"\x1f\x8b": "a gzip archive",
    b"\x7fELF": "an executable",
    b"\xd0\xcf\x11\xe0": "an old Office document (save it as text or HTML first)",
    b"{\\rtf": "an RTF document (save it as text first)",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LATIN_FAMILY = {"latin_1", "iso8859_1", "iso8859_15", "cp1250", "cp1252", "iso8859_2", "mac_roman", "cp850", "cp437", "ascii"}
_CHINESE_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode(raw: bytes) -> tuple[str, str]:
    """Decode transcript bytes, detecting the encoding; never returns mojibake silently."""
    if len(raw) > MAX_BYTES:
        raise _too_big("the file", len(raw))
    if not raw.strip():
        raise InputError("the file is empty")
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc.replace("-sig", "") + " (BOM)"
            except UnicodeDecodeError as err:
                raise InputError(f"the file starts with a {enc} byte-order mark but does not decode as {enc}") from err
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise InputError(f"this is {what}, not a transcript")
    utf16 = _sniff_utf16(raw)
    if utf16:
        text = raw.decode(utf16, errors="replace")
        if _looks_binary(text) or text.count("\ufffd") > 0.02 * len(text):
            raise InputError("this looks like a binary file, not a transcript")
        return text, utf16
    if b"\x00" in raw[:4096]:
        raise InputError("this is a binary file, not a transcript (it contains NUL bytes)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(raw) - 3 and err.reason == "unexpected end of data":
            return raw[: err.start].decode("utf-8"), "utf-8 (truncated at the end)"
    declared = _declared_charset(raw)
    if declared:
        try:
            return raw.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    return _detect(raw)


def _sniff_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte NUL in ASCII-heavy text."""
    head = raw[:2000]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _declared_charset(raw: bytes) -> str | None:
    match = _META_CHARSET.search(raw[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    if name in ("gb2312", "gbk", "x-gbk"):
        return "gb18030"
    return name


def _detect(raw: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    cut = 0
    while best is None and cut < 3 and len(raw) > 8:  # a file cut in the middle of its last character
        cut += 1
        best = from_bytes(raw[:-cut]).best()
    if best is None:
        raise InputError("could not tell this file's text encoding (is it a binary file?)")
    raw = raw[: len(raw) - cut]
    enc = best.encoding
    high = sum(1 for b in raw if b >= 0x80)
    if enc not in _CHINESE_FAMILY and not enc.startswith(("big5", "cp950", "shift_jis", "euc", "cp932", "cp949", "utf")) \
            and high < 0.1 * len(raw):
        try:  # mostly ASCII with a few curly quotes or accents: Windows-1252 whatever code page was guessed
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    if enc in _CHINESE_FAMILY:
        enc = "gb18030"
    elif enc in ("big5", "big5hkscs", "cp950"):
        enc = "big5hkscs"
    elif enc in _LATIN_FAMILY:
        enc = "cp1252"
    try:
        text = raw.decode(enc)
    except UnicodeDecodeError:
        enc = best.encoding
        text = str(best)
    if _looks_binary(text):
        raise InputError("this looks like a binary file, not a transcript")
    return text, enc


def _looks_binary(text: str) -> bool:
    sample = text[:5000]
    if not sample:
        return True
    bad = sum(1 for ch in sample if (unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\r\n\t\f")
              or ch == "\ufffd")
    return bad > 0.05 * len(sample)


# --- formats ----------------------------------------------------------------------------------
_HTML_SNIFF = re.compile(r"<\s*(!doctype\s+html|html|body|head|div|p|article|section|table|meta)\b", re.I)


def sniff_format(text: str, name: str = "") -> str:
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml", ".shtml", ".asp", ".aspx", ".php", ".jsp")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    head = text[:3000]
    if _HTML_SNIFF.search(head) and len(re.findall(r"<[a-zA-Z/!][^>]*>", head)) >= 3:
        return "html"
    return "text"


def read(raw: bytes, name: str = "") -> Document:
    """Decode and split into blocks; raises InputError for unreadable or empty input."""
    text, encoding = decode(raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.lstrip("\ufeff")
    fmt = sniff_format(text, name)
    hints: dict[str, str] = {}
    warnings: list[str] = []
    if fmt == "html":
        from pressarchive.ingest.html import html_blocks

        blocks, hints = html_blocks(text)
    else:
        from pressarchive.ingest.source import split_front_matter

        hints, text, warning = split_front_matter(text)
        warnings += [warning] if warning else []
        blocks = markdown_blocks(text) if fmt == "markdown" else text_blocks(text)
    blocks = [b for b in blocks if b.text]
    if not blocks:
        raise InputError("no text found in the file")
    return Document(blocks=blocks, encoding=encoding, fmt=fmt, hints=hints, warnings=warnings)


_TERMINAL = tuple(".!?。！？…;；:：\"”’』」)）")
def _is_cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def join_lines(lines: list[str]) -> str:
    """Re-join a hard-wrapped paragraph: no space between two CJK characters, else one space."""
    out = ""
    for line in lines:
        if not out:
            out = line
        elif _is_cjk(out[-1]) and _is_cjk(line[0]):
            out += line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        else:
            out += " " + line
    return out


def text_blocks(text: str) -> list[Block]:
    """Plain text: blank-line paragraphs, with hard wraps re-joined when the file is wrapped."""
    raw_lines = text.split("\n")
    lines = drop_running_heads([clean_line(x) for x in raw_lines])
    groups: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    broken = False  # a page break since the last line of text
    for number, line in enumerate(lines, 1):
        if line == PAGE_BREAK:
            broken = True
            continue
        if line:
            if broken and groups and not current and _continues(groups[-1][1][-1], line):
                start, current = groups.pop()  # a sentence that runs over a page break
            if not current:
                start = number
            current.append(line)
            broken = False
        elif current:
            groups.append((start, current))
            current = []
    if current:
        groups.append((start, current))
    groups = _rejoin_split_sentences(groups)
    wrapped = _wrap_width(groups)
    blocks: list[Block] = []
    for start, group in groups:
        if len(group) == 1:
            blocks.append(Block(group[0], line=start))
            continue
        if wrapped is None:
            blocks.extend(Block(line, line=start + i) for i, line in enumerate(group))
            continue
        para: list[str] = []
        para_start = start
        for i, line in enumerate(group):
            if para and _breaks_before(para[-1], line, wrapped):
                blocks.append(Block(join_lines(para), line=para_start))
                para, para_start = [], start + i
            para.append(line)
        if para:
            blocks.append(Block(join_lines(para), line=para_start))
    return blocks


def _rejoin_split_sentences(groups: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """A blank (or whitespace-only) line inside a sentence: ``…stop that from`` / (blank) / ``happening.``.
    A group that ends without closing its sentence, followed by one that starts in lower case, is one
    paragraph. List items (marked by the Markdown reader) stay apart."""
    out: list[tuple[int, list[str]]] = []
    for start, group in groups:
        if out and group and out[-1][1]:
            prev = out[-1][1][-1]
            if (prev[-1:].isalnum() or prev[-1:] in ",—–-") and not prev.endswith(_TERMINAL) \
                    and group[0][:1].isalpha() and group[0][:1].islower() and not prev.startswith(LIST_ITEM):
                out[-1][1][-1] = join_lines([prev, group[0]])
                out[-1][1].extend(group[1:])
                continue
        out.append((start, list(group)))
    return out


_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}\s*(?:of|/)\s*\d{1,4}$|^[-–—]?\s*\d{1,4}\s*[-–—]?$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$", re.I)


PAGE_BREAK = "\x00page\x00"


def drop_running_heads(lines: list[str]) -> list[str]:
    """Mark page numbers and running headers/footers (repeated on every page of a PDF export) as page breaks."""
    counts: dict[str, int] = {}
    for line in lines:
        if line and len(line) <= 100:
            counts[line] = counts.get(line, 0) + 1
    out = []
    for line in lines:
        if line and (
            _PAGE_NUMBER.match(line)
            or (counts.get(line, 0) >= 2 and re.search(r"\d", line) and not re.search(r"[.!?。！？]$", line)
                and not re.match(r"^\S{1,40}[:：]", line))
        ):
            out.append(PAGE_BREAK)
        else:
            out.append(line)
    return out


def _continues(prev: str, line: str) -> bool:
    """Does ``line`` carry on the sentence ``prev`` left open (across a page break)?"""
    return not prev.endswith(_TERMINAL) and (line[:1].islower() or _is_cjk(line[:1]))


def _wrap_width(groups: list[tuple[int, list[str]]]) -> int | None:
    """The width a hard-wrapped file was wrapped at, or None when lines are whole paragraphs."""
    multi = [line for _, g in groups if len(g) > 1 for line in g[:-1]]
    if len(multi) < 3:
        return None
    widths = sorted(_width(line) for line in multi)
    p90 = widths[int(len(widths) * 0.9)]
    if p90 > 200 or p90 < 40:
        return None
    near = sum(1 for w in widths if w >= 0.75 * p90)
    return p90 if near >= 0.6 * len(widths) else None


def _width(line: str) -> int:
    return sum(2 if _is_cjk(ch) else 1 for ch in line)


_IMAGE_LINE = re.compile(r"^\S{0,80}\.(?:jpe?g|png|gif|webp|bmp)$", re.I)


def _breaks_before(prev: str, line: str, width: int) -> bool:
    from pressarchive.ingest.labels import looks_like_label

    if looks_like_label(line):
        # "…the situation in" / "Ukraine: the President…": a wrapped sentence, not a speaker, unless the
        # label is in capitals (MS. PSAKI:) or the line before closes its sentence or is short
        head = line.split(":", 1)[0]
        return not (head != head.upper() and not prev.endswith(_TERMINAL) and _width(prev) >= 0.75 * width)
    if _IMAGE_LINE.match(prev) or _IMAGE_LINE.match(line):
        return True
    if line.startswith(("•", "·", "- ", "* ")):
        return True
    return prev.endswith(_TERMINAL) and _width(prev) < 0.75 * width


# --- markdown ---------------------------------------------------------------------------------
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


_BULLET = re.compile(r"^(?:[-*+•·▪]\s+)")
_QUOTE_MARK = "\ue000"  # private use: marks a blockquote line through paragraph re-joining
LIST_ITEM = "\ue001"  # private use: marks a list item, which never runs on into the next paragraph


def markdown_blocks(text: str) -> list[Block]:
    """Markdown: `#` headings, images with alt text as captions, bullets and emphasis stripped,
    blockquotes kept (marked ``quoted``)."""
    blocks: list[Block] = []
    prose: list[str] = []
    offset = 0
    lines = text.split("\n")
    in_code = False
    in_item = False  # inside a list item whose wrapped lines are indented
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            prose.append("")
            continue
        if in_code:
            prose.append("")
            continue
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*$", stripped)
        image = _MD_IMAGE.search(stripped)
        if heading or (image and _MD_IMAGE.sub("", stripped).strip() == ""):
            if prose:
                blocks.extend(_shift(text_blocks("\n".join(prose)), offset))
            prose, offset = [], number
            if heading:
                blocks.append(Block(_md_inline(heading.group(1)), "heading", number))
            else:
                blocks.append(Block(image.group(2).rsplit("/", 1)[-1], "image", number))
                if image.group(1).strip():
                    blocks.append(Block(_md_inline(image.group(1)), "caption", number))
            continue
        if re.match(r"^(-{3,}|\*{3,}|_{3,})$", stripped):
            prose.append("")
            continue
        if stripped.startswith(">"):
            stripped = re.sub(r"^(?:>\s?)+", "", stripped)
            if stripped:
                stripped = _QUOTE_MARK + stripped
        quote = stripped.startswith(_QUOTE_MARK)
        if _BULLET.match(stripped.lstrip(_QUOTE_MARK)):  # each list item its own paragraph, marker dropped
            stripped = (_QUOTE_MARK if quote else "") + _BULLET.sub("", stripped.lstrip(_QUOTE_MARK))
            if prose and prose[-1] != "":
                prose.append("")
            if not prose:
                offset = number - 1
            prose.extend([LIST_ITEM + _md_inline(stripped), ""])
            in_item = True
            continue
        if in_item and stripped and line[:1] in (" ", "\t") and len(prose) >= 2 and prose[-1] == "":
            prose[-2] = join_lines([prose[-2], _md_inline(stripped)])  # a list item's indented continuation
            continue
        in_item = False
        if not prose:
            offset = number - 1
        prose.append(_md_inline(stripped))
    if prose:
        blocks.extend(_shift(text_blocks("\n".join(prose)), offset))
    for b in blocks:
        b.text = b.text.replace(LIST_ITEM, "")
        if _QUOTE_MARK in b.text:
            b.quoted = b.text.startswith(_QUOTE_MARK)
            b.text = b.text.replace(_QUOTE_MARK, "")
    return blocks


def _shift(blocks: list[Block], offset: int) -> list[Block]:
    for b in blocks:
        b.line += offset
    return blocks


def _md_inline(text: str) -> str:
    text = _MD_IMAGE.sub(lambda m: m.group(1), text)
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    for _ in range(2):
        text = _MD_EMPH.sub(lambda m: m.group(2), text)
    from pressarchive.ingest.source import unescape_markdown

    return unescape_markdown(text)
