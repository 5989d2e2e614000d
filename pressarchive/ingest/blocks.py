"""What every reader (plain text, Markdown, HTML) produces: a ``Document`` of ``Block``s of cleaned lines."""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Block:
    """One unit of text: a paragraph, heading, caption or image reference, with its source line."""

    text: str
    kind: str = "para"  # para | heading | caption | image
    line: int = 0
    quoted: bool = False  # inside a Markdown blockquote


@dataclass
class Document:
    """What a reader produced: blocks plus hints the page itself gave (HTML <title>, meta date)."""

    blocks: list[Block]
    encoding: str
    fmt: str  # text | markdown | html
    hints: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what the reader could not use (bad front matter)


_SPACE = re.compile(r"[ \t\u00a0\u3000]+")


_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def clean_line(line: str) -> str:
    """Collapse runs of spaces, drop control and invisible format characters (ZWJ kept), trim."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", line)).strip()
