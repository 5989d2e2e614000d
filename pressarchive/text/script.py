"""Traditional -> simplified Chinese (OpenCC t2s), one converter for the package.

``to_simplified`` converts freely (for recognising labels, titles and names: the stored text keeps
its script); ``to_simplified_same_length`` keeps every offset (for analysis and highlighting): where a
phrase rule changes the length, it converts character by character.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def converter():
    """OpenCC's t2s converter, or None when OpenCC is not installed."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency
        return None
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    cc = converter()
    return cc.convert(text) if cc is not None and text else text


def to_simplified_same_length(text: str) -> str:
    cc = converter()
    if cc is None or not text:
        return text
    out = cc.convert(text)
    if len(out) == len(text):
        return out
    chars = []
    for ch in text:
        simple = cc.convert(ch)
        chars.append(simple if len(simple) == 1 else ch)
    return "".join(chars)
