"""News outlets often named in one script in one place and the other script elsewhere."""
from __future__ import annotations

import re

# (English name, Chinese name). Both spellings resolve to one reporter speaker.
OUTLETS: tuple[tuple[str, str], ...] = (
    ("Xinhua News Agency", "新华社"), ("People's Daily", "人民日报"), ("China Daily", "中国日报"),
    ("China Central Television", "中央电视台"), ("CCTV", "央视"), ("China Media Group", "中央广播电视总台"),
    ("CGTN", "中国国际电视台"), ("China News Service", "中新社"), ("China National Radio", "中央人民广播电台"),
    ("China Radio International", "中国国际广播电台"), ("Guangming Daily", "光明日报"), ("Economic Daily", "经济日报"),
    ("China Youth Daily", "中国青年报"), ("Global Times", "环球时报"), ("China Securities Journal", "中国证券报"),
    ("Science and Technology Daily", "科技日报"), ("Workers' Daily", "工人日报"), ("Legal Daily", "法治日报"),
    ("The Beijing News", "新京报"), ("Beijing Daily", "北京日报"), ("Beijing TV", "北京电视台"),
    ("Shanghai TV", "上海电视台"), ("Chongqing TV", "重庆电视台"), ("Jiefang Daily", "解放日报"),
    ("The Paper", "澎湃新闻"), ("Cover News", "封面新闻"), ("Daily Economic News", "每日经济新闻"),
    ("Nanfang Daily", "南方日报"), ("Southern Daily", "南方日报"), ("Yangcheng Evening News", "羊城晚报"),
    ("Phoenix TV", "凤凰卫视"), ("Hong Kong Commercial Daily", "香港商报"), ("Ta Kung Pao", "大公报"),
    ("AFP", "法新社"), ("Agence France-Presse", "法新社"), ("Reuters", "路透社"), ("Bloomberg", "彭博社"),
    ("Associated Press", "美联社"), ("AP", "美联社"), ("Kyodo News", "共同社"), ("NHK", "日本广播协会"),
    ("TASS", "塔斯社"), ("Yonhap News Agency", "韩联社"), ("EFE", "埃菲社"), ("BBC", "英国广播公司"),
    ("CNN", "美国有线电视新闻网"), ("Al Jazeera", "半岛电视台"), ("Sputnik", "俄罗斯卫星通讯社"),
    ("RIA Novosti", "俄新社"), ("Anadolu Agency", "阿纳多卢通讯社"), ("Dragon TV", "东方卫视"),
)
_BY_KEY: dict[str, str] = {}
for _en, _zh in OUTLETS:
    _canon = re.sub(r"[^a-z0-9]", "", _en.lower().replace("the ", "", 1) if _en.lower().startswith("the ") else _en.lower())
    _BY_KEY.setdefault(_zh, _canon)
    _BY_KEY.setdefault(_canon, _canon)


def outlet_key(outlet: str) -> str:
    """One key for every spelling of an outlet: ``China Daily``, ``china daily``, ``中国日报`` -> ``chinadaily``."""
    name = outlet.strip()
    if re.search(r"[\u3400-\u9fff]", name):
        return _BY_KEY.get(name, name)
    low = name.lower()
    if low.startswith("the "):
        low = low[4:]
    key = re.sub(r"[^a-z0-9]", "", low)
    return _BY_KEY.get(key, key)
