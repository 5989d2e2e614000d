"""Dates, organisers, titles and regions: the general tables the parser leans on."""
from __future__ import annotations

import pytest

from pressarchive.ingest.meta import find_date, find_organizer, host_cue, spokesperson_cue
from pressarchive.ingest.regions import canonical, mentioned, region_of


@pytest.mark.parametrize(
    "text,iso",
    [
        ("Sep 27, 2022 888 Previewers", "2022-09-27"),
        ("September 27, 2022", "2022-09-27"),
        ("27 September 2022", "2022-09-27"),
        ("2022年9月27日上午", "2022-09-27"),
        ("发布时间：2023-03-05 10:00", "2023-03-05"),
        ("2023/3/5", "2023-03-05"),
        ("大陸委員會112年3月9日例行記者會", "2023-03-09"),
        ("no date here", None),
        ("2022年2月30日", None),
    ],
)
def test_dates(text, iso):
    assert find_date(text) == iso


def test_organisers():
    assert find_organizer(["The Ministry of Industry and Information Technology held today the tenth press conference"])[0] == (
        "Ministry of Industry and Information Technology")
    assert find_organizer(["National Development and Reform Commission held a regular press conference"])[0] == (
        "National Development and Reform Commission")
    assert find_organizer(["2023年1月3日外交部发言人汪文斌主持例行记者会"]) == ("Ministry of Foreign Affairs", "外交部")


def test_role_cues():
    assert host_cue("The press conference was presided over by Cheng Xiaoming, a first-level inspector") == "Cheng Xiaoming"
    assert host_cue("国务院新闻办公室新闻局副局长、新闻发言人寿小丽主持发布会。") == "寿小丽"
    assert host_cue("Chairperson:\nMs. Shou Xiaoli, director general") == "Shou Xiaoli"
    assert spokesperson_cue("Foreign Ministry Spokesperson Mao Ning's Regular Press Conference", {}) == "Mao Ning"
    assert spokesperson_cue("briefing by Stéphane Dujarric, Spokesman for the Secretary-General", {}) == "Stéphane Dujarric"


@pytest.mark.parametrize(
    "org,region",
    [
        ("Shanghai Municipal Commission of Economy and Information Technology", "Shanghai"),
        ("Planning Department, Ministry of Industry and Information Technology", "National"),
        ("上海电视台", "Shanghai"),
        ("Jiefang Daily", "Shanghai"),
        ("Shenzhen Municipal Bureau of Industry", "Guangdong"),
        ("Department of Industry and Information Technology of Henan Province", "Henan"),
        ("Shaanxi Provincial Development and Reform Commission", "Shaanxi"),
        ("The White House", None),
        ("聯合報", "Taiwan"),
    ],
)
def test_region_of(org, region):
    assert region_of(org) == region


def test_mentions_include_areas_and_their_provinces():
    text = "the Guangdong-Hong Kong-Macao Greater Bay Area, Beijing-Tianjin-Hebei, 长三角 and Sichuan's industry"
    assert mentioned(text) == [
        "Greater Bay Area", "Guangdong", "Hong Kong", "Macao", "Beijing-Tianjin-Hebei", "Beijing", "Tianjin", "Hebei",
        "Yangtze River Delta", "Sichuan",
    ]
    assert mentioned("Shanxi and Shaanxi are different provinces") == ["Shanxi", "Shaanxi"]


def test_canonical_spellings():
    assert canonical("shanghai") == canonical("上海") == canonical("沪") == "Shanghai"
    assert canonical("GBA") == "Greater Bay Area" and canonical("national") == "National"
    assert canonical("Atlantis") is None
