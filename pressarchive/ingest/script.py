"""Traditional -> simplified Chinese, for recognising labels, titles and names (the stored text keeps
its script). A leaf module: every part of the ingester may import it.
"""
from __future__ import annotations

def to_simplified(text: str) -> str:
    """Traditional -> simplified, for recognising labels and cues (the stored text keeps its script)."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency
        return text
    global _T2S
    if _T2S is None:
        _T2S = opencc.OpenCC("t2s")
    return _T2S.convert(text)


_T2S = None
