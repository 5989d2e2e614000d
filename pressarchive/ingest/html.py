"""HTML -> blocks through beautifulsoup4: page chrome dropped, paragraphs, headings, `<br>` breaks and
image captions kept, the transcript's own container found by text density.
"""
from __future__ import annotations

import re

from pressarchive.ingest.blocks import Block, clean_line

_DROP_TAGS = (
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "iframe",
    "svg", "template", "select", "input", "textarea", "object", "embed", "canvas", "video", "audio",
    "map", "menu", "dialog", "link", "meta",
)
_CHROME = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|footer|header|sidebar|side-bar|breadcrumbs?|share|sharing|social|comments?|"
    r"related|recommend|advert|ads?|banner|cookie|copyright|toolbar|topbar|pagination|pager|login|"
    r"subscribe|newsletter|popup|modal|skip)($|[\s_-])",
    re.I,
)
_BLOCK_TAGS = {
    "p", "div", "li", "dd", "dt", "td", "th", "blockquote", "pre", "section", "article", "main",
    "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "figure", "tr", "table", "ul", "ol", "dl", "center", "font",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MAX_DEPTH = 400


def html_blocks(text: str) -> tuple[list[Block], dict[str, str]]:
    """Blocks from an HTML page, plus hints: the page title and a published date where it gives one."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    from pressarchive.ingest.source import html_hints

    hints = html_hints(soup)
    for time_tag in soup.find_all("time"):
        if time_tag.get("datetime"):
            hints.setdefault("date", time_tag["datetime"])
            break
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None:
            continue
        marks = " ".join([tag.get("id") or ""] + list(tag.get("class") or []))
        role = (tag.get("role") or "").lower()
        if (marks and _CHROME.search(marks) and tag.name not in ("body", "html", "main", "article")) or role in (
            "navigation", "banner", "contentinfo", "complementary", "search",
        ):
            tag.decompose()
    root = _main_container(soup)
    blocks: list[Block] = []
    buffer: list[str] = []
    _walk(root, blocks, buffer, 0)
    _flush(blocks, buffer)
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        hints.setdefault("h1", clean_line(h1.get_text(" ", strip=True)))
    for i, b in enumerate(blocks, 1):
        b.line = i
    return blocks, hints


def _main_container(soup):
    """The element holding the transcript: <article>/<main> when present, else the densest block.

    Text, paragraph and link counts are summed bottom-up in one pass, so deep nesting stays linear.
    """
    from bs4 import NavigableString, Tag

    body = soup.body or soup
    sizes: dict[int, list[int]] = {}  # id(tag) -> [text length, <p>/<br> count, <a> count]
    order: list = []
    stack = [(body, False)]
    while stack:
        node, done = stack.pop()
        if done:
            total = [0, 0, 0]
            for child in node.children:
                if isinstance(child, Tag):
                    sub = sizes.get(id(child), [0, 0, 0])
                    total = [total[0] + sub[0], total[1] + sub[1], total[2] + sub[2]]
                elif isinstance(child, NavigableString) and type(child).__name__ == "NavigableString":
                    total[0] += len(child.strip())
            total[1] += node.name in ("p", "br")
            total[2] += node.name == "a"
            sizes[id(node)] = total
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in node.children if isinstance(c, Tag))
    for name in ("article", "main"):
        found = [t for t in order if t.name == name]
        if found:
            best = max(found, key=lambda t: sizes[id(t)][0])
            if sizes[id(best)][0] > 200:
                return best
    total = sizes[id(body)][0] or 1
    best, best_score = body, 0.0
    for tag in order:
        if tag.name not in ("div", "section", "td"):
            continue
        own, paras, links = sizes[id(tag)]
        if own < 0.5 * total:
            continue
        score = own * (1 + min(paras, 50) / 10) - 8 * links
        if score > best_score:
            best, best_score = tag, score
    return best


def _walk(node, blocks: list[Block], buffer: list[str], depth: int) -> None:
    """Depth-first: text accumulates in ``buffer``; block tags and <br> flush it as a paragraph."""
    from bs4 import NavigableString, Tag

    if depth > _MAX_DEPTH:
        text = node.get_text(" ", strip=True) if isinstance(node, Tag) else str(node)
        buffer.append(text)
        return
    for child in list(node.children):
        if isinstance(child, NavigableString):
            if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction", "CData"):
                continue
            buffer.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            _flush(blocks, buffer)
            continue
        if name == "img":
            _flush(blocks, buffer)
            src = (child.get("src") or "").rsplit("/", 1)[-1]
            if src:
                blocks.append(Block(clean_line(src), "image"))
            continue
        if name == "figcaption" or name in _HEADINGS:
            _flush(blocks, buffer)
            text = clean_line(child.get_text(" ", strip=True))
            if text:
                blocks.append(Block(text, "caption" if name == "figcaption" else "heading"))
            continue
        if name in _BLOCK_TAGS:
            _flush(blocks, buffer)
            _walk(child, blocks, buffer, depth + 1)
            _flush(blocks, buffer)
        else:
            _walk(child, blocks, buffer, depth + 1)


def _flush(blocks: list[Block], buffer: list[str]) -> None:
    if not buffer:
        return
    text = clean_line("".join(part.replace("\n", " ") for part in buffer))
    buffer.clear()
    if text:
        text = re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=[\u3000-\u9fff\uff00-\uffef])", "", text)
        blocks.append(Block(text))
