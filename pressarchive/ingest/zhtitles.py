"""Chinese titles and the people they describe: ``上海市委副书记、市长龚正先生`` -> 龚正 with the whole
title and the organisation of its first part. A leaf of the ingester (names, script and titles only),
shared by the label reader, the roster and the Chinese layouts.
"""
from __future__ import annotations

import re

from pressarchive.ingest.names import is_chinese_name
from pressarchive.ingest.script import restore_script, to_simplified
from pressarchive.ingest.titles import Description

_SP = r"[ \t\u3000]"
_HONOUR = re.compile(r"(?:先生|女士|同志|教授|博士)$")

ZH_TITLES = (
    "行政长官", "特首", "副主任委员", "主任委员", "副主委", "主委", "副总理", "总理", "国务委员", "外长", "部长助理", "署长", "司长",
    "新闻发言人", "发言人", "副部长", "部长", "副司长", "司长", "副主任", "主任", "副局长", "局长", "副厅长", "厅长",
    "总工程师", "总经济师", "一级巡视员", "巡视员", "秘书长", "副主席", "主席", "副省长", "省长", "副市长", "市长",
    "副院长", "院长", "处长", "副处长", "副总经理", "总经理", "董事长", "大使", "总裁", "负责人", "委员", "教授", "研究员",
    "副书记", "书记", "副秘书长", "总统计师", "总审计师", "总会计师", "副行长", "行长", "副会长", "会长", "理事长",
    "副区长", "区长", "副县长", "县长", "副州长", "州长", "副总裁", "首席经济学家", "参赞", "总领事", "副主任委员",
)


ZH_TITLES_LONGEST = sorted(set(ZH_TITLES), key=len, reverse=True)


def split_zh_description(desc: str) -> Description | None:
    """``上海市经济和信息化委员会总工程师`` -> organisation + title; ``上海市委副书记、市长`` -> the whole
    title (both parts) and the organisation its first part names (``上海市委``)."""
    desc = re.sub(r"\s+", " ", desc).strip("，,。 ")
    desc = re.sub(r"^.*?(?:\d{1,2}日|我是|邀请到|邀请了|邀请|请来了|请来|请到|请|由|(?:先生|女士|同志)(?:和|及|与|以及))(?=[\u4e00-\u9fff]{3,})", "", desc)
    desc = re.sub(r"(?:先生|女士|同志)$", "", desc).strip("，,、 ")
    titles = ZH_TITLES_LONGEST
    if not any(desc.endswith(t) for t in titles):
        return None
    first = re.split(r"[、，,]", desc)[0].replace(" ", "")
    org = first
    changed = True
    while changed and org:  # 新闻局副局长、新闻发言人 -> 新闻局
        changed = False
        org = re.sub(r"(党组成员|党组书记|党委书记|党组副书记|党委副书记|党委常委|党组)[、，,]?$", "", org).strip("、，, ")
        if org in titles:
            org = ""
            break
        for other in titles:
            if org.endswith(other) and len(org) > len(other):
                org, changed = org[: -len(other)].strip("、，, "), True
                break
    if org == first or any(org == t for t in titles):
        org = None
    title = desc.replace(" ", "") if re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", desc) else desc
    return Description(title_zh=title, title=None, organization_zh=org or None)


# --- titles and names -----------------------------------------------------------------------------
def describe(desc: str):
    """A Chinese description -> Description: the whole title (``上海市委副书记、市长``) and the
    organisation its first part names (``上海市委``), or None when it names no title."""
    return split_zh_description(desc)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ，,。:：")


def person_of(text: str):
    """``商务部新闻发言人 束珏婷`` / ``上海市委副书记、市长龚正先生`` / ``束珏婷 商务部新闻发言人`` ->
    (name, Description or None); None when the text is not one person with a title."""
    raw = _clean(text)
    simple = to_simplified(raw)
    if not simple or len(simple) > 80 or re.search(r"[。！？!?；;：:“”\"《》，,]", simple):
        return None
    simple = _HONOUR.sub("", simple).strip()
    parts = re.split(rf"{_SP}+", simple)
    if len(parts) == 2:
        a, b = parts
        if is_chinese_name(b) and describe(a):
            return _keep_script(raw, b), _restored(raw, describe(a))
        if is_chinese_name(a) and describe(b):
            return _keep_script(raw, a), _restored(raw, describe(b))
    if len(parts) != 1:
        return None
    for size in (2, 3, 4):
        if len(simple) <= size + 1:
            continue
        name, head = simple[-size:], simple[:-size]
        if is_chinese_name(name) and _ends_with_title(head):
            d = describe(head)
            if d:
                return _keep_script(raw, name), _restored(raw, d)
    return None


def _restored(raw: str, d):
    """The title and organisation in the script the transcript uses (they were found in its simplified form)."""
    compact = re.sub(rf"{_SP}+", "", raw)
    return restore_script(d, ("title_zh", "organization_zh"), compact, to_simplified(compact))


def _keep_script(raw: str, name: str) -> str:
    """The name as the transcript writes it (traditional stays traditional)."""
    for m in re.finditer(r"[\u3400-\u9fff]{%d}" % len(name), raw):
        if to_simplified(m.group(0)) == name:
            return m.group(0)
    return name


def _ends_with_title(text: str) -> bool:
    return any(text.endswith(t) for t in ZH_TITLES_LONGEST)


def people_in(text: str) -> list[tuple[str, object]]:
    """Every ``title name`` in a list: ``工业和信息化部副部长辛国斌、上海市…总工程师张宏韬`` or
    ``国家统计局新闻发言人、国民经济综合统计司司长 付凌晖`` (a 、 joins titles of one person too)."""
    out = []
    for piece in re.split(r"[，,；;\n]|(?<=先生|女士)(?:和|及|与|以及)", text):
        pending = ""
        for seg in re.split(r"[、]", piece):
            pending = f"{pending}、{seg}" if pending else seg
            found = person_of(pending)
            if found:
                out.append(found)
                pending = ""
            else:
                words = re.split(rf"{_SP}+", _clean(pending))
                if len(words) > 1 and all(is_chinese_name(_HONOUR.sub("", w)) for w in words):
                    out += [(_HONOUR.sub("", w), None) for w in words]  # 发布人：束珏婷 王文涛
                    pending = ""
                elif is_chinese_name(_HONOUR.sub("", _clean(pending))):
                    out.append((_HONOUR.sub("", _clean(pending)), None))
                    pending = ""
    return out


