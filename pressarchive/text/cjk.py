"""The Han (Chinese character) ranges, one definition for the package.

``HAN_BASIC`` is CJK unified ideographs with extension A (U+3400-U+9FFF), what most patterns mean by
"a Chinese character"; ``HAN`` adds the compatibility ideographs and the supplementary planes
(extension B and later), for analysis that must not split any ideograph off a run.
"""
from __future__ import annotations

import re

HAN_BASIC = "\u3400-\u9fff"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"

HAN_CHAR = re.compile(f"[{HAN_BASIC}]")
HAN_RUN = re.compile(f"[{HAN_BASIC}]+")


def has_han(text: str) -> bool:
    """Does ``text`` hold a Chinese character (U+3400-U+9FFF)?"""
    return bool(HAN_CHAR.search(text or ""))
