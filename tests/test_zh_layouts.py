"""Chinese official layouts (issue 14): every style's golden fixture scored with check_parse's
alignment, header blocks as metadata, askers from self-introductions and host calls, 答： given to
the right official, the traditional-script copy reading the same, and outlets in both scripts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden_score import score, total
from tests.test_golden import GOLDEN, input_file

ZH_CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name.startswith("zh-") and (p / "expected.json").is_file())
STYLES = {"zh-scio-label-lines", "zh-mfa-outlet-labels", "zh-mfa-wenda-outlets", "zh-ministry-header",
          "zh-provincial-intro", "zh-chinacomcn-live", "zh-taiwan-affairs", "zh-traditional-ministry"}


def parsed(case: Path | str) -> dict:
    from pressarchive.ingest import ingest_bytes

    case = GOLDEN / case if isinstance(case, str) else case
    src = input_file(case)
    return ingest_bytes(src.read_bytes(), src.name).to_dict()


def parse_text(text: str, name: str = "t.txt") -> dict:
    from pressarchive.ingest import ingest_bytes

    return ingest_bytes(text.encode("utf-8"), name).to_dict()


def test_every_style_has_a_fixture() -> None:
    assert STYLES <= {p.name for p in ZH_CASES}


@pytest.mark.parametrize("case", ZH_CASES, ids=lambda p: p.name)
def test_style_scores_in_full(case: Path) -> None:
    """The check_parse figures, all full, for each Chinese layout."""
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    figures, problems = score(expected, parsed(case))
    got, want = total(figures)
    report = "\n".join(f"{name}: {g}/{w}" for name, g, w in figures)
    assert (got, want) == (want, want) and not problems, f"{case.name}: score {got}/{want}\n{report}\n" + "\n".join(problems)


def test_the_scorer_sees_a_wrong_record() -> None:
    """The scorer is not a rubber stamp: a question given to the wrong speaker and a broken link lose points."""
    case = GOLDEN / "zh-scio-label-lines"
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    record = parsed(case)
    record["turns"][3]["speaker"] = record["turns"][0]["speaker"]
    record["turns"][5]["question"] = None
    figures, problems = score(expected, record)
    got, want = total(figures)
    assert got <= want - 2 and problems
    assert dict((n, g) for n, g, _ in figures)["Q&A pairs linked"] == sum(1 for t in expected["turns"] if t["answers"] is not None) - 1


def test_header_block_is_metadata_not_speakers() -> None:
    record = parsed("zh-ministry-header")
    names = {s.get("name_zh") for s in record["speakers"]} | {s.get("name") for s in record["speakers"]}
    assert not names & {"时间", "地点", "发布人", "Shi Jian"}
    assert any(p.startswith("时间") for p in record["conference"]["preamble"])
    assert any(p.startswith("地点：商务部新闻发布厅") for p in record["conference"]["preamble"])
    shu = next(s for s in record["speakers"] if s.get("name_zh") == "束珏婷")
    assert shu["organization_zh"] == "商务部" and shu["title"] == "商务部新闻发言人" and shu["region"] == "National"


def test_english_time_and_venue_lines_are_metadata() -> None:
    record = parse_text(
        "Press Conference on Foreign Trade\n\nTime: April 20, 2023, 3:00 pm\nVenue: Press Hall\n\n"
        "Shu Jueting: Good afternoon. Foreign investment grew in the first quarter.\n\n"
        "Reuters: What is the outlook for the second quarter?\n\n"
        "Shu Jueting: We expect steady growth.\n")
    assert [t["paragraphs"][0][:4] for t in record["turns"]] == ["Good", "What", "We e"]
    assert "Time: April 20, 2023, 3:00 pm" in record["conference"]["preamble"]
    assert record["conference"]["date"] == "2023-04-20"


def test_host_in_header_with_a_name_is_not_a_turn_but_host_speech_is() -> None:
    record = parse_text(
        "某部新闻发布会\n\n主持人：某部新闻发言人 王文涛\n\n王文涛：各位记者朋友，上午好！今天的发布会有两项内容。\n\n"
        "新华社记者：请问下一步有哪些安排？\n\n王文涛：我们将继续推进有关工作。\n\n主持人：今天的发布会到此结束，谢谢大家。\n")
    speakers = {s["id"]: s for s in record["speakers"]}
    assert len(record["turns"]) == 4
    wang = next(s for s in record["speakers"] if s.get("name_zh") == "王文涛")
    assert wang["role"] == "host" and "发言人" in wang["title"]
    assert speakers[record["turns"][-1]["speaker"]] is wang


def test_no_newline_in_any_speaker_field() -> None:
    """Titles and organisations never carry a line break (the search layout prints them on one line)."""
    for case in ZH_CASES + [GOLDEN / "zh-only", GOLDEN / "scio-gov-html"]:
        for s in parsed(case)["speakers"]:
            for key in ("name", "name_zh", "title", "organization", "organization_zh", "region"):
                assert "\n" not in (s.get(key) or ""), f"{case.name}: {key} of {s.get('name')} has a newline: {s.get(key)!r}"


def test_traditional_copy_reads_like_the_simplified_one() -> None:
    def shape(record: dict) -> list:
        speakers = {s["id"]: s for s in record["speakers"]}
        ids = {t["id"]: i for i, t in enumerate(record["turns"])}
        rows = []
        for t in record["turns"]:
            s = speakers[t["speaker"]]
            rows.append((s.get("name") or s.get("organization"), s["role"], s.get("region"), t["kind"],
                         ids.get(t["question"]), len(t["paragraphs"])))
        return rows

    simple, traditional = parsed("zh-ministry-header"), parsed("zh-traditional-ministry")
    assert shape(simple) == shape(traditional)
    assert simple["conference"]["date"] == traditional["conference"]["date"]
    assert simple["conference"]["organizer"] == traditional["conference"]["organizer"] == "Ministry of Commerce"


def test_answer_goes_to_the_official_called_on_then_to_the_last_answerer() -> None:
    record = parsed("zh-scio-label-lines")
    speakers = {s["id"]: s for s in record["speakers"]}
    who = [speakers[t["speaker"]].get("name_zh") for t in record["turns"]]
    assert who[4:9] == ["寿小丽", "吴清", "龚正", None, "龚正"]
    assert speakers[record["turns"][0]["speaker"]]["role"] == "host"


def test_askers_from_self_introduction_and_host_call() -> None:
    from pressarchive.ingest.zhlayout import called_outlet, outlet_of_question

    assert outlet_of_question("我是第一财经记者。上海是外资企业最集中的城市之一。") == "第一财经"
    assert outlet_of_question("中国日报记者。请问上海在建设科创中心方面有何进展？") == "中国日报"
    assert outlet_of_question("凤凰卫视记者：请问") == "凤凰卫视"
    assert outlet_of_question("谢谢主持人。我是彭博社记者。据报道") == "彭博社"
    assert outlet_of_question("请问商务部如何看待一季度外资数据？") is None
    assert outlet_of_question("据记者了解，近期多地出台政策。") is None
    assert called_outlet("下面进入提问环节。请新华社记者提问。") == "新华社"
    assert called_outlet("请这位记者。") is None
    assert called_outlet("提问前请通报所在的新闻机构。") is None


def test_outlets_are_one_in_both_scripts() -> None:
    from pressarchive.ingest.outlets import both_scripts, find, outlet_key

    assert outlet_key("新华社") == outlet_key("Xinhua") == outlet_key("Xinhua News Agency") == outlet_key("新華社")
    assert outlet_key("北京电视台") == outlet_key("Beijing TV") == outlet_key("BTV")
    assert outlet_key("总台央视") == outlet_key("CCTV") == outlet_key("中央广播电视总台央视")
    assert find("台湾TVBS").english == "TVBS"
    assert both_scripts(None, "第一财经") == ("Yicai", "第一财经")
    assert both_scripts("Reuters", None) == ("Reuters", "路透社")
    assert find("某某晚报") is None and outlet_key("Some Local Paper") == "somelocalpaper"


def test_titles_and_regions_from_introductions() -> None:
    from pressarchive.ingest.zhlayout import introduced, person_of

    gong = dict(introduced("今天我们邀请到上海市委副书记、市长龚正先生，上海市副市长吴清先生，请他们介绍情况"))
    assert gong["龚正"].title_zh == "上海市委副书记、市长" and gong["吴清"].title_zh == "上海市副市长"
    name, d = person_of("国家统计局新闻发言人、国民经济综合统计司司长 付凌晖")
    assert name == "付凌晖" and d.title_zh == "国家统计局新闻发言人、国民经济综合统计司司长" and d.organization_zh == "国家统计局"
    assert person_of("国务院新闻办公室举行新闻发布会") is None
    record = parsed("zh-provincial-intro")
    regions = {s.get("name_zh"): s.get("region") for s in record["speakers"] if s.get("name_zh")}
    assert regions == {"龚正": "Shanghai", "朱民": "Shanghai", "顾军": "Shanghai"}


def test_news_write_up_invents_no_turns() -> None:
    from pressarchive.errors import InputError
    from pressarchive.ingest import ingest_bytes

    raw = (GOLDEN / "bad-zh" / "news-writeup.txt").read_bytes()
    with pytest.raises(InputError, match="no speaker turns"):
        ingest_bytes(raw, "news-writeup.txt")


# --- the archive: search and filters in either script ---------------------------------------------
def _cli(*args: str):
    from click.testing import CliRunner

    from pressarchive.cli import cli

    try:
        runner = CliRunner(mix_stderr=False, env={"COLUMNS": "200"})
    except TypeError:  # click >= 8.2 keeps stderr apart already
        runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _hits(*args: str) -> list[str]:
    code, out, err = _cli("search", *args, "--format", "json", "--no-translate")
    assert code == 0, err
    return [h["turn"]["id"] if isinstance(h.get("turn"), dict) else h.get("id") for h in json.loads(out)["hits"]]


def test_search_and_filters_in_either_script() -> None:
    for case in ZH_CASES:
        code, _, err = _cli("add", str(input_file(case)))
        assert code == 0, err
    opening = _hits("女士们先生们", "--kind", "statement")
    record = parsed("zh-scio-label-lines")
    assert any(h.startswith(record["conference"]["id"]) for h in opening)  # the SCIO host's opening is a turn

    shanghai = _hits("外资", "--region", "上海")
    assert shanghai and shanghai == _hits("外资", "--region", "Shanghai") == _hits("外资", "--region", "沪")
    yicai = _hits("外资", "--outlet", "第一财经")
    assert yicai and yicai == _hits("外资", "--outlet", "Yicai")
    btv = _hits("论坛", "--outlet", "北京电视台")
    assert btv and btv == _hits("论坛", "--outlet", "Beijing TV") == _hits("论坛", "--outlet", "北京電視台")

    code, out, err = _cli("search", "外资", "--region", "上梅")
    assert code != 0 and not out.strip()
    assert err.splitlines()[0] == "Error: no speaker from region '上梅' in the archive"
    assert "Shanghai (上海)" in err.splitlines()[1] and err.splitlines()[1].startswith("Hint: nearest known regions")
    code, out, err = _cli("search", "外资", "--outlet", "Beijing Televison")
    assert code != 0 and "Beijing TV (北京电视台)" in err.splitlines()[1]
    code, out, err = _cli("speakers", "--region", "上海")
    assert code == 0 and "Gong Zheng" in out and "Shou Xiaoli" not in out
    code, out, err = _cli("outlets", "--format", "json")
    rows = {o["outlet"]: o for o in json.loads(out)["outlets"]}
    assert rows["CCTV"]["outlet_zh"] in ("总台央视", "中央广播电视总台央视") and rows["Yicai"]["outlet_zh"] == "第一财经"
    assert rows["China Daily"]["questions"] == 3  # 中国日报 and 中國日報: one outlet


def test_gazetteer_covers_every_province_level_unit_and_its_cities() -> None:
    from pressarchive.ingest.regions import CITIES, PROVINCES, canonical, region_of

    assert len(PROVINCES) == 34 and set(CITIES) == set(PROVINCES)
    chinese = [n for names in CITIES.values() for n in names if any("\u4e00" <= c <= "\u9fff" for c in n)]
    assert len(chinese) >= 333  # every prefecture-level division, and some well-known districts
    for province, names in CITIES.items():
        for name in names:
            assert region_of(name + "人民政府" if any("\u4e00" <= c <= "\u9fff" for c in name) else name + " Municipal Government") == province, name
    for zh, en in (("上海", "Shanghai"), ("廣東", "Guangdong"), ("内蒙古", "Inner Mongolia"), ("新疆", "Xinjiang"), ("澳門", "Macao")):
        assert canonical(en) == en and region_of(zh + "省人民政府") == en
    assert region_of("喀什地区行政公署") == region_of("Kashgar Prefecture") == "Xinjiang"
    assert region_of("朝阳区人民政府") == "Beijing" and region_of("朝阳市人民政府") == "Liaoning"


def test_docs_table_is_what_the_program_gives() -> None:
    from tests.conftest import ROOT
    from tests.golden_table import table

    doc = (ROOT / "docs" / "chinese-layouts.md").read_text(encoding="utf-8")
    assert table() in doc, "docs/chinese-layouts.md is stale: paste the output of `python -m tests.golden_table`"


def test_english_labels_on_their_own_line_and_outlet_labels_from_the_table() -> None:
    record = parse_text(
        "SCIO Press Conference on Shanghai\n\nAugust 29, 2023\n\nShou Xiaoli:\nLadies and gentlemen, good morning. "
        "Today we have invited Mr. Gong Zheng, Mayor of Shanghai, to brief you.\n\nGong Zheng:\nGood morning. "
        "Foreign investment in Shanghai reached 12.4 billion dollars.\n\nShou Xiaoli:\nThank you. Now the floor is open.\n\n"
        "Yicai:\nWhat new measures will Shanghai take?\n\nGong Zheng:\nWe will open wider.\n")
    speakers = {s["id"]: s for s in record["speakers"]}
    rows = [(speakers[t["speaker"]].get("name") or speakers[t["speaker"]].get("organization"), t["kind"]) for t in record["turns"]]
    assert rows == [("Shou Xiaoli", "statement"), ("Gong Zheng", "statement"), ("Shou Xiaoli", "statement"),
                    ("Yicai", "question"), ("Gong Zheng", "answer")]
    yicai = next(s for s in record["speakers"] if s["role"] == "reporter")
    assert yicai["organization_zh"] == "第一财经"
    assert next(s for s in record["speakers"] if s.get("name") == "Shou Xiaoli")["role"] == "host"


def test_answer_after_a_call_by_surname_and_title() -> None:
    record = parse_text(
        "某市新闻发布会\n2023年6月1日\n\n主持人：各位记者，上午好。今天我们邀请到市长李明先生、副市长王强先生介绍情况。\n\n"
        "记者：我是人民日报记者。请问今年的重点工作是什么？\n\n主持人：请王副市长回答。\n\n答：今年我们将重点推进三项工作。\n\n"
        "李明：我补充一点。\n\n记者：请问营商环境方面有何举措？\n\n答：我们将持续优化营商环境。\n")
    speakers = {s["id"]: s for s in record["speakers"]}
    who = [(speakers[t["speaker"]].get("name_zh") or speakers[t["speaker"]].get("organization_zh") or speakers[t["speaker"]]["role"], t["kind"])
           for t in record["turns"]]
    assert who == [("host", "statement"), ("人民日报", "question"), ("host", "statement"), ("王强", "answer"),
                   ("李明", "answer"), ("reporter", "question"), ("李明", "answer")]


def test_host_named_on_a_line_before_her_opening() -> None:
    record = parse_text(
        "国务院新闻办公室新闻发布会\n2023年8月29日\n\n主持人：寿小丽\n女士们、先生们，大家上午好！欢迎出席国务院新闻办新闻发布会。"
        "今天我们邀请到上海市副市长吴清先生介绍有关情况。\n\n吴清：大家上午好。上海经济持续恢复向好。\n\n"
        "新华社记者：请问下一步有何打算？\n\n吴清：我们将继续扩大开放。\n")
    speakers = {s["id"]: s for s in record["speakers"]}
    first = record["turns"][0]
    assert speakers[first["speaker"]]["name_zh"] == "寿小丽" and speakers[first["speaker"]]["role"] == "host"
    assert first["paragraphs"][0].startswith("女士们、先生们")
    assert [t["kind"] for t in record["turns"]] == ["statement", "statement", "question", "answer"]


def test_header_lists_on_their_own_lines_and_bracketed_inline_labels() -> None:
    record = parse_text(
        "国务院新闻办公室举行新闻发布会\n\n发布人：\n国家发展改革委副主任 李春临\n国家发展改革委政策研究室主任、新闻发言人 金贤东\n"
        "主持人：\n国务院新闻办公室新闻局副局长 邢慧娜\n\n"
        "【主持人】女士们、先生们，大家下午好。今天我们请来了国家发展改革委副主任李春临先生，政策研究室主任、新闻发言人金贤东先生。\n\n"
        "【李春临】谢谢主持人。各位媒体朋友，下午好！\n\n【记者（新华社）】请问下一步在扩大内需方面有哪些考虑？\n\n"
        "【金贤东】谢谢你的提问。我们将从三个方面发力。\n\n【中国日报社记者】请问民营经济方面有何新举措？\n\n"
        "【李春临】我们将出台支持民营经济发展的政策措施。\n\n时间：2023年8月1日 编辑：张三\n")
    by_zh = {s.get("name_zh"): s for s in record["speakers"] if s.get("name_zh")}
    assert by_zh["邢慧娜"]["role"] == "host" and by_zh["李春临"]["title"] == "国家发展改革委副主任"
    assert by_zh["金贤东"]["title"] == "国家发展改革委政策研究室主任、新闻发言人" and by_zh["金贤东"]["region"] == "National"
    outlets = [s["organization"] for s in record["speakers"] if s["role"] == "reporter"]
    assert outlets == ["Xinhua News Agency", "China Daily"]
    assert len(record["turns"]) == 6 and not any("时间" in p for t in record["turns"] for p in t["paragraphs"])


def test_live_text_date_line_and_time_marks_beside_labels() -> None:
    record = parse_text(
        "广东省人民政府新闻办公室新闻发布会\n2023-06-12 10:00\n\n[10:00] [主持人 王玉]\n各位记者朋友，大家上午好！今天我们邀请到"
        "广东省商务厅厅长张劲松先生，深圳市副市长罗文先生。\n\n[10:03] [广东省商务厅厅长 张劲松]\n各位媒体朋友，大家上午好。\n\n"
        "10:15\n[南方日报记者]\n请问广东在稳外资方面有什么新举措？\n\n10:16\n[深圳市副市长 罗文]\n谢谢。深圳将持续优化营商环境。\n")
    assert record["conference"]["date"] == "2023-06-12"
    speakers = {s["id"]: s for s in record["speakers"]}
    rows = [(speakers[t["speaker"]].get("name_zh") or speakers[t["speaker"]].get("organization_zh"), t["kind"]) for t in record["turns"]]
    assert rows == [("王玉", "statement"), ("张劲松", "statement"), ("南方日报", "question"), ("罗文", "answer")]
    assert {s["region"] for s in record["speakers"]} == {"Guangdong"}


def test_outlets_only_where_an_outlet_is_named() -> None:
    from pressarchive.ingest.zhlayout import called_outlet, outlet_of_question

    assert outlet_of_question("谢谢主持人，我是来自香港经济导报的记者。请问") == "香港经济导报"
    assert outlet_of_question("我是新华社记者王明。请问") == "新华社"
    assert called_outlet("请总台CGTN记者提问。") == "总台CGTN"
    for call in ("请中间这位记者", "请第二排的记者提问", "请后面那位穿红衣服的记者"):
        assert called_outlet(call) is None, call


def test_a_reporter_from_an_outlet_the_table_does_not_know_has_it_as_organization() -> None:
    record = parse_text("某部新闻发布会\n\n王明：各位好。今天发布两项内容。\n\n香港经济导报记者：请问有何安排？\n\n王明：我们将继续推进。\n")
    reporter = next(s for s in record["speakers"] if s["role"] == "reporter")
    assert reporter["organization"] == reporter["organization_zh"] == "香港经济导报"


def test_generic_labels_with_a_name_or_outlet_in_brackets() -> None:
    from pressarchive.ingest.labels import parse_label

    assert parse_label("答（吴清）：我们将扩大开放。").name == "吴清"
    host = parse_label("主持人（寿小丽）：各位记者朋友，上午好。")
    assert host.name == "寿小丽" and host.role == "host"
    assert parse_label("问（新华社）：请问有何考虑？").outlet == "新华社"
    titled = parse_label("答（上海市副市长 吴清）：好的。")
    assert titled.name == "吴清" and titled.title == "上海市副市长"
