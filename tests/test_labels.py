"""Speaker labels in every style the issue lists, and paragraphs that only look like labels."""
from __future__ import annotations

import pytest

from pressarchive.ingest.labels import parse_label
from pressarchive.ingest.names import is_chinese_name, pinyin_keys, romanise, tidy_name


@pytest.mark.parametrize(
    "text,kind,name,outlet,rest",
    [
        ("Wang Wei: Thank you.", "person", "Wang Wei", None, "Thank you."),
        ("MS. JEAN-PIERRE: Good afternoon.", "person", "JEAN-PIERRE", None, "Good afternoon."),
        ("Daily Economic News reporter: What is next?", "reporter", None, "Daily Economic News", "What is next?"),
        ("Reporter from Guangdong Radio and Television Station: Hello.", "reporter", None, "Guangdong Radio and Television Station", "Hello."),
        ("Cover News Reporter: A question.", "reporter", None, "Cover News", "A question."),
        ("上海电视台记者:习近平总书记多次考察上海", "reporter", None, "上海电视台", "习近平总书记多次考察上海"),
        ("张宏韬：谢谢您的提问。", "person", "张宏韬", None, "谢谢您的提问。"),
        ("张宏韬:谢谢您的提问。", "person", "张宏韬", None, "谢谢您的提问。"),
        ("Q: Thanks.", "reporter", None, None, "Thanks."),
        ("Q    Karine, on the economy?", "reporter", None, None, "Karine, on the economy?"),
        ("问：请问发言人", "reporter", None, None, "请问发言人"),
        ("答：我们注意到了有关报道。", "generic", None, None, "我们注意到了有关报道。"),
        ("主持人：下面开始提问。", "generic", None, None, "下面开始提问。"),
        ("Moderator: Next question.", "generic", None, None, "Next question."),
        ("<NAME>Wang Wei</NAME>. Thank you all.", "person", "Wang Wei", None, "Thank you all."),
        ("Joe Biden: (00:52) Folks, thank you.", "person", "Joe Biden", None, "Folks, thank you."),
        ("法新社记者：中方对此有何评论？", "reporter", None, "法新社", "中方对此有何评论？"),
        ("Bloomberg: Can you confirm?", "reporter", None, "Bloomberg", "Can you confirm?"),
        ("CHAIR POWELL. Good afternoon.", "person", "POWELL", None, "Good afternoon."),
    ],
)
def test_label_styles(text, kind, name, outlet, rest):
    label = parse_label(text)
    assert label is not None, text
    assert (label.kind, label.name, label.outlet, label.rest) == (kind, name, outlet, rest)


def test_answer_and_host_generic_roles():
    assert parse_label("答：是的。").role == "presenter"
    assert parse_label("A: Yes.").role == "presenter"
    assert parse_label("主持人：好。").role == "host"
    assert parse_label("Moderator: Thanks.").role == "host"


@pytest.mark.parametrize(
    "text",
    [
        "The main points are: growth and jobs.",
        "First, the regional development of the manufacturing industry is more coordinated.",
        "Note: figures are provisional.",
        "具体如下：一是加强规划。",
        "一是：加强规划引导。",
        "In 2021: output grew 10%.",
        "A lot of progress was made.",
        "http://example.com: a link",
        "Q&A session follows.",
    ],
)
def test_not_labels(text):
    label = parse_label(text)
    assert label is None, label


def test_honorific_is_split_from_name():
    label = parse_label("SECRETARY BLINKEN: Thank you.")
    assert label.honorific.lower() == "secretary" and label.name == "BLINKEN"


def test_names_across_scripts():
    assert romanise("张宏韬") == "Zhang Hongtao"
    assert romanise("欧阳晓明") == "Ouyang Xiaoming"
    assert "zhanghongtao" in pinyin_keys("张宏韬") and "hongtaozhang" in pinyin_keys("张宏韬")
    assert is_chinese_name("杨正华") and not is_chinese_name("具体如下") and not is_chinese_name("上海电视台")
    assert tidy_name("JEAN-PIERRE") == "Jean-Pierre"


def test_title_only_english_labels_resolve_to_the_person_the_text_names():
    from pressarchive.ingest import ingest_bytes

    text = (
        "Remarks by President Joe Biden on the Economy\n\nThe White House, March 5, 2023\n\n"
        "THE PRESIDENT:  Thank you all. Today I want to talk about jobs.\n\n"
        "Q:  Mr. President, what about inflation?\n\nTHE PRESIDENT:  Inflation is coming down.\n\n"
        "SENIOR ADMINISTRATION OFFICIAL:  And wages are up.\n"
    ).encode()
    record = ingest_bytes(text, "remarks.txt")
    president = record.speaker(record.turns[0].speaker)
    assert (president.name, president.title, president.role) == ("Joe Biden", "President", "presenter")
    official = record.speaker(record.turns[3].speaker)
    assert official.name is None and official.title == "Senior Administration Official"
    assert [t.kind for t in record.turns] == ["statement", "question", "answer", "answer"]
    assert parse_label("THE PRESIDENT: Thanks.").kind == "titled"
    assert parse_label("Prime Minister: Thanks.").title == "Prime Minister"


@pytest.mark.parametrize(
    "text,kind,name,outlet,role",
    [
        ("Interviewer: So tell me.", "reporter", None, None, "reporter"),
        ("Interviewee: Well.", "generic", None, None, "presenter"),
        ("Unidentified reporter: Can you?", "reporter", None, None, "reporter"),
        ("Another reporter: And?", "reporter", None, None, "reporter"),
        ("Moderator (Wang Wei): Next.", "person", "Wang Wei", None, "host"),
        ("21世纪经济报道记者:请问", "reporter", None, "21世纪经济报道", "reporter"),
        ("聯合報記者：請問", "reporter", None, "聯合報", "reporter"),
    ],
)
def test_more_label_variants(text, kind, name, outlet, role):
    label = parse_label(text)
    assert (label.kind, label.name, label.outlet, label.role) == (kind, name, outlet, role)
