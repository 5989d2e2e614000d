"""Person names: the one folding rule for comparing names, and the Chinese surname lists.

``fold_name`` is the rule every name key starts from: NFKC, lower case, ``ü`` -> ``u`` (as English
writes 吕 Lu; pypinyin's own ``lv`` is kept as it is), Latin accents stripped, other scripts kept.
``name_key`` is the key of a romanised name: its Latin letters only (``Zhang Hongtao`` ->
``zhanghongtao``). translate.py keys names of any script from ``fold_name`` too.
"""
from __future__ import annotations

import re
import unicodedata

# The compound (two-character) surnames.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 钟离 端木 南宫 西门 澹台 "
    "公冶 申屠 太史 万俟 闻人 赫连 独孤 呼延 拓跋 百里 东郭 濮阳 淳于 单于 第五".split()
)


def fold_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("ü", "u").replace("Ü", "U").lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def name_key(name: str) -> str:
    """Comparable form of a romanised name: Latin letters only, lower case, accents folded."""
    return re.sub(r"[^a-z]", "", fold_name(name))
