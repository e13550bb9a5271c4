"""Reading the overrides file: CSV and TOML give the same records; every bad value is an error with its line."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from taxlots.model.diagnostics import Code
from taxlots.model.source import SourceRef
from taxlots.transfers.overrides import Kind, Override, parse

CSV = """\
# reviewed 2025-02-01
kind,id,with_id,usd_value,acquired_at,fmv,income_type,note
match,kraken:W1,coinbase:D1,,,,,moved to cold storage
forbid,kraken:W2,coinbase:D2,,,,,
forbid,coinbase:D3,,,,,,
purchase,coinbase:D4,,1234.56,2021-03-01T14:30:00Z,,,bought OTC

gift-received,coinbase:D5,,100,2019-06-01,250,,from mum
income,coinbase:D6,,12.5,,,staking,
payment,kraken:W7,,40,,,,coffee
gift-sent,kraken:W8,,,,,,
donation,kraken:W9,,,,,,
lost,kraken:W10,,,,,,
stolen,kraken:W11,,,,,,
"""

TOML = """\
# reviewed 2025-02-01
[[override]]
kind = "match"
id = "kraken:W1"
with_id = "coinbase:D1"
note = "moved to cold storage"

[[override]]
kind = "forbid"
id = "kraken:W2"
with_id = "coinbase:D2"

[[override]]
kind = "forbid"
id = "coinbase:D3"

[[override]]
kind = "purchase"
id = "coinbase:D4"
usd_value = 1234.56
acquired_at = 2021-03-01T14:30:00Z
note = "bought OTC"

[[override]]
kind = "gift-received"
id = "coinbase:D5"
usd_value = "100"
acquired_at = 2019-06-01
fmv = 250
note = "from mum"

[[override]]
kind = "income"
id = "coinbase:D6"
usd_value = "12.5"
income_type = "staking"

[[override]]
kind = "payment"
id = "kraken:W7"
usd_value = 40
note = "coffee"

[[override]]
kind = "gift-sent"
id = "kraken:W8"

[[override]]
kind = "donation"
id = "kraken:W9"

[[override]]
kind = "lost"
id = "kraken:W10"

[[override]]
kind = "stolen"
id = "kraken:W11"
"""


def expected(file: str, lines: list[int]) -> list[Override]:
    src = [SourceRef(file, n, "overrides") for n in lines]
    return [
        Override(kind=Kind.MATCH, id="kraken:W1", with_id="coinbase:D1", note="moved to cold storage", source=src[0]),
        Override(kind=Kind.FORBID, id="kraken:W2", with_id="coinbase:D2", source=src[1]),
        Override(kind=Kind.FORBID, id="coinbase:D3", source=src[2]),
        Override(
            kind=Kind.PURCHASE,
            id="coinbase:D4",
            usd_value=Decimal("1234.56"),
            acquired_at=datetime(2021, 3, 1, 14, 30, tzinfo=UTC),
            note="bought OTC",
            source=src[3],
        ),
        Override(
            kind=Kind.GIFT_RECEIVED,
            id="coinbase:D5",
            usd_value=Decimal("100"),
            acquired_at=datetime(2019, 6, 1, tzinfo=UTC),
            fmv=Decimal("250"),
            note="from mum",
            source=src[4],
        ),
        Override(kind=Kind.INCOME, id="coinbase:D6", usd_value=Decimal("12.5"), income_type="staking", source=src[5]),
        Override(kind=Kind.PAYMENT, id="kraken:W7", usd_value=Decimal("40"), note="coffee", source=src[6]),
        Override(kind=Kind.GIFT_SENT, id="kraken:W8", source=src[7]),
        Override(kind=Kind.DONATION, id="kraken:W9", source=src[8]),
        Override(kind=Kind.LOST, id="kraken:W10", source=src[9]),
        Override(kind=Kind.STOLEN, id="kraken:W11", source=src[10]),
    ]


def test_csv_reads_every_kind() -> None:
    got, diags = parse(CSV, "overrides.csv")
    assert diags == []
    # line 1 is a comment, 2 the header, 7 blank
    assert list(got.items) == expected("overrides.csv", [3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14])


def test_toml_reads_the_same_records() -> None:
    got, diags = parse(TOML, "overrides.toml")
    assert diags == []
    # the line of each [[override]] header
    assert list(got.items) == expected("overrides.toml", [2, 8, 13, 17, 24, 32, 38, 44, 48, 52, 56])


def test_toml_numbers_are_exact_never_floats() -> None:
    got, _ = parse('[[override]]\nkind = "payment"\nid = "W"\nusd_value = 0.1\n', "o.toml")
    assert got.items[0].usd_value == Decimal("0.1")  # a float would be 0.1000000000000000055511151231257827...


def test_naive_and_offset_times_are_utc() -> None:
    text = "kind,id,usd_value,acquired_at\npurchase,D1,1,2021-03-01T09:30:00\npurchase,D2,1,2021-03-01T09:30:00-05:00\n"
    got, diags = parse(text, "o.csv")
    assert diags == []
    assert [o.acquired_at for o in got.items] == [datetime(2021, 3, 1, 9, 30, tzinfo=UTC), datetime(2021, 3, 1, 14, 30, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "gift,D1,,,,,,",
            "kind 'gift' is not one of match, forbid, purchase, gift-received, income, payment, gift-sent, donation, lost, stolen",
        ),
        (
            ",D1,,,,,,",
            "kind is blank; use one of match, forbid, purchase, gift-received, income, payment, gift-sent, donation, lost, stolen",
        ),
        ("purchase,,,10,2021-01-01,,,", "a purchase override needs the id of a ledger row"),
        ("purchase,D1,,10,,,,", "a purchase override needs acquired_at"),
        ("match,W1,,,,,,", "a match override needs with_id"),
        ("gift-sent,W1,,50,,,,", "a gift-sent override takes no usd_value; leave it blank"),
        ("purchase,D1,,ten,2021-01-01,,,", "usd_value 'ten' is not a number"),
        ("purchase,D1,,-5,2021-01-01,,,", "usd_value '-5' must be a number of zero or more"),
        (
            "purchase,D1,,5,03/01/2021,,,",
            "acquired_at '03/01/2021' is not an ISO 8601 date or date and time (2021-03-01 or 2021-03-01T14:30:00Z)",
        ),
        ("lost,W1,,,,,,,extra", "row has 9 fields, the header has 8"),
    ],
)
def test_bad_values_name_the_line(row: str, message: str) -> None:
    got, diags = parse(f"kind,id,with_id,usd_value,acquired_at,fmv,income_type,note\n{row}\n", "o.csv")
    assert got.items == ()
    assert [(d.code, str(d.source), d.message) for d in diags] == [(Code.BAD_OVERRIDE, "o.csv:2", message)]


def test_unknown_column_is_an_error_on_the_header() -> None:
    _, diags = parse("kind,id,cost\npurchase,D1,5\n", "o.csv")
    assert [(str(d.source), d.message) for d in diags] == [
        ("o.csv:1", "header unknown column(s) cost; the columns are kind,id,with_id,usd_value,acquired_at,fmv,income_type,note")
    ]


def test_toml_unknown_key_and_bad_syntax() -> None:
    _, diags = parse('\n[[override]]\nkind = "lost"\nid = "W1"\ncost = 5\n', "o.toml")
    assert [(str(d.source), d.message) for d in diags] == [
        ("o.toml:2", "unknown key(s) cost; the keys are kind, id, with_id, usd_value, acquired_at, fmv, income_type, note")
    ]
    _, diags = parse('[[override]]\nkind = "lost\n', "o.toml")
    assert len(diags) == 1 and str(diags[0].source) == "o.toml:2" and diags[0].message.startswith("not valid TOML")


def test_empty_file_has_no_overrides() -> None:
    assert parse("", "o.csv") == parse("# nothing yet\n", "o.csv")
    assert parse("", "o.csv")[0].items == ()


def test_the_examples_in_docs_overrides_md_read_cleanly() -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "overrides.md").read_text()
    blocks = dict(re.findall(r"```(csv|toml)\n(.*?)```", text, flags=re.S))
    csv_items, csv_diags = parse(blocks["csv"], "example.csv")
    toml_items, toml_diags = parse(blocks["toml"], "example.toml")
    assert csv_diags == [] and toml_diags == []
    assert len(csv_items.items) == 11 and len(toml_items.items) == 4
    assert {o.kind for o in csv_items.items} == set(Kind)
