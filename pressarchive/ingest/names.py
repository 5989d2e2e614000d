"""Person names across scripts: is this a Chinese name, its romanisation, and keys that match
``张宏韬`` with ``Zhang Hongtao`` (and ``ZHANG Hongtao``, ``Hongtao Zhang``).

Romanisation uses pypinyin (imported lazily: it is only needed while ingesting).
"""
from __future__ import annotations

import itertools
import re
from functools import lru_cache

from pressarchive.text.cjk import HAN_BASIC
from pressarchive.text.names import COMPOUND_SURNAMES, name_key  # noqa: F401 - name_key: imported from here

CJK_NAME = re.compile(f"[{HAN_BASIC}·]{{2,5}}")

# The common single-character surnames (the large majority of people) and the compound ones.
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳"
    "翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳"
    "时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
    "巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆"
    "巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛"
    "宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由寿伏黎邝庹衣蔚逄訾綦巢"
)
_SURNAMES_2 = COMPOUND_SURNAMES  # pressarchive.text.names: the one list


def chinese_surname(name: str) -> str | None:
    if name[:2] in _SURNAMES_2:
        return name[:2]
    if name[:1] in _SURNAMES_1:
        return name[:1]
    return None


def is_chinese_name(text: str) -> bool:
    """A 2-4 character personal name that starts with a known surname (or a ·-joined transliteration)."""
    if "·" in text:
        return 3 <= len(text) <= 12 and all("\u3400" <= c <= "\u9fff" or c == "·" for c in text)
    if not 2 <= len(text) <= 4 or not all("\u3400" <= c <= "\u9fff" for c in text):
        return False
    surname = chinese_surname(text)
    if surname is None:
        return False
    return 1 <= len(text) - len(surname) <= 2


@lru_cache(maxsize=4096)
def _syllables(name: str, heteronym: bool = False) -> list[list[str]]:
    from pypinyin import Style, pinyin

    return pinyin(name, style=Style.NORMAL, heteronym=heteronym, errors="ignore", v_to_u=False)


def romanise(name_zh: str) -> str:
    """``张宏韬`` -> ``Zhang Hongtao``; ``欧阳晓明`` -> ``Ouyang Xiaoming``."""
    if "·" in name_zh:
        return name_zh
    surname = chinese_surname(name_zh) or name_zh[:1]
    sylls = [s[0] for s in _syllables(name_zh) if s]
    if not sylls:
        return name_zh
    cut = len(surname)
    family = "".join(sylls[:cut]).capitalize()
    given = "".join(sylls[cut:]).replace("v", "ü")
    return f"{family} {given.capitalize()}".strip() if given else family


def pinyin_keys(name_zh: str) -> set[str]:
    """Every plausible romanisation key of a Chinese name (heteronyms included), as ``zhanghongtao``."""
    options = [s or [""] for s in _syllables(name_zh, heteronym=True)]
    keys = set()
    for combo in itertools.islice(itertools.product(*options), 64):
        keys.add("".join(combo).replace("ü", "v").lower())
    surname = chinese_surname(name_zh)
    if surname:  # also "Hongtao Zhang" order
        cut = len(surname)
        for combo in itertools.islice(itertools.product(*options), 64):
            keys.add(("".join(combo[cut:]) + "".join(combo[:cut])).lower())
    return keys


def tidy_name(name: str) -> str:
    """``JEAN-PIERRE`` -> ``Jean-Pierre``; ``ZHANG Hongtao`` -> ``Zhang Hongtao``; other forms kept."""
    words = name.split()
    out = []
    for w in words:
        if len(w) > 1 and w.isupper():
            w = "-".join(part.capitalize() for part in w.split("-"))
            w = re.sub(r"^(Mc|O')([a-z])", lambda m: m.group(1) + m.group(2).upper(), w)
        out.append(w)
    return " ".join(out)
