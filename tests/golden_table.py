"""The table in docs/chinese-layouts.md: each Chinese layout's golden fixture parsed by the program
and scored with check_parse's alignment (tests/golden_score.py).

    python -m tests.golden_table        # prints the Markdown table
"""
from __future__ import annotations

import json

from tests.golden_score import score, summary_row, total
from tests.test_golden import GOLDEN, input_file

STYLES = [
    ("SCIO (国新办), labels on their own line", "zh-scio-label-lines"),
    ("SCIO, one-line labels", "zh-only"),
    ("MFA 例行记者会, outlet labels", "zh-mfa-outlet-labels"),
    ("MFA 例行记者会, 问/答", "zh-mfa-wenda-outlets"),
    ("Ministry 发布会 with a header block (商务部)", "zh-ministry-header"),
    ("The same, traditional script, half-width colons", "zh-traditional-ministry"),
    ("Provincial 发布会 (上海)", "zh-provincial-intro"),
    ("china.com.cn live text ([主持人], [10:05])", "zh-chinacomcn-live"),
    ("国台办 发布会 with a header block", "zh-taiwan-affairs"),
]


def table() -> str:
    from pressarchive.ingest import ingest_bytes

    lines = ["| style | fixture | turns | speakers (people + outlets) | Q&A pairs | regions | outlets | check_parse figures |",
             "|---|---|---|---|---|---|---|---|"]
    for style, name in STYLES:
        case = GOLDEN / name
        src = input_file(case)
        record = ingest_bytes(src.read_bytes(), src.name).to_dict()
        row = summary_row(record)
        got, want = total(score(json.loads((case / "expected.json").read_text(encoding="utf-8")), record)[0])
        lines.append(f"| {style} | `{name}` | {row['turns']} | {row['speakers']} ({row['people']} + {row['speakers'] - row['people']}) "
                     f"| {row['qa']} | {', '.join(row['regions']) or '-'} | {'; '.join(row['outlets']) or '-'} | {got}/{want} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
