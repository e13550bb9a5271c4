"""Koinly universal template: every expected value below is written out by hand from the sample rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import koinly
from taxlots.importers.base import matches, normalize_header
from taxlots.model.diagnostics import Code
from tests.importers._rows import MINE, ROOT, errors, row, table

SAMPLE = ROOT / "samples" / "koinly_ledger_nano_2024.csv"
FIXTURES = Path(__file__).resolve().parent / "samples" / "koinly"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(koinly,))


def test_sample__every_row() -> None:
    p = SAMPLE
    btc1 = "b0ff51586a66676adba4454e9f96ac58f0070fc2970e78282488550802eda512"
    eth1 = "0xd4ab0cce64c520457b6792634eb95dac8f747bfbef01ced722a72999ffddea3f"
    sol1 = "4rysbYAPcDsfuyuB1VVFetjeD64LDTm6aghcvbX4Esuk8ktKqfJmv6UoLvshYZPBGXnuNK7T7CD1nf4gN8HcCjtN"
    btc2 = "5fcda33eed66b85b04a14f627cf9406cb3953076b7575b46cc883987c0f500c9"
    eth2 = "0x393b8478dbc16a4b4fc672a3e2f205ab41446dd59a7c63a23e192d5ee565646d"
    eth3 = "0x51c933246428c210b38ac2b0c6ca471bd7c93676d13f8730df5da2821f567626"
    btc3 = "d5466a1b079de88fa11e23b0aa9e3ad0b4db085a023bc8095444d08f00771155"
    eth4 = "0x45fbbee265225b75af45e4158921a1e9ea8fd116a1a52035d98c17f6a347c07a"
    sol2 = "2DswepUX9TaUJVj16MrcwXsZiV5RDDnmAfG6K7PXL4HkwDF44RWXwE3KWVKmJEEXtobmwSaPkaVRNavDvHiB985v"
    btc4 = "94498e4098856611d7242815977a1d418487205192f99592fffeb3af8badddd7"
    sol3 = "47tXNnyNbWGspoqWShSt5X9qMCrsZstwKXJxb9WzM6NMmFDDLEhCFSsbtySK9AM9SngfbmivULWaS3YYzCk8FCcY"
    eth6 = "0x66cc20cefff2370c82c09862b9829447e43ad1fde30092160b1e524e4294d29a"
    ledger = load(p)
    assert table(ledger) == [
        row(p, 2, "2023-11-20 16:42:10", "deposit", received=("BTC", "0.25"), note=f"From Coinbase; tx {btc1}"),
        row(p, 3, "2023-12-05 21:14:09", "deposit", received=("ETH", "2.5"), note=f"From Kraken; tx {eth1}"),
        row(p, 4, "2024-01-22 10:03:41", "deposit", received=("SOL", "40"), note=f"From Binance; tx {sol1}"),
        row(p, 5, "2024-02-14 09:05:33", "deposit", received=("BTC", "0.18"), note=f"From Kraken; tx {btc2}"),
        row(
            p, 6, "2024-02-29 23:59:59", "income", received=("SOL", "0.152"), usd="19.14", note="staking; Stake account rewards (February)"
        ),
        row(
            p,
            7,
            "2024-03-12 14:22:51",
            "trade",
            sent=("ETH", "1.2"),
            received=("USDC", "4716.36"),
            fee=("ETH", "0.0031"),
            usd="4716.36",
            note=f"Uniswap swap ETH -> USDC; tx {eth2}",
        ),  # fmt: skip
        row(p, 8, "2024-03-31 23:59:59", "income", received=("SOL", "0.161"), usd="32.52", note="Reward; Stake account rewards (March)"),
        row(p, 9, "2024-04-02 08:47:15", "withdrawal", sent=("USDC", "4700"), fee=("ETH", "0.0012"), note=f"To Binance; tx {eth3}"),
        # no " UTC" suffix: still UTC
        row(p, 10, "2024-04-30 23:59:59", "income", received=("SOL", "0.158"), usd="20.22", note="staking; Stake account rewards (April)"),
        row(p, 11, "2024-05-03 12:30:00", "withdrawal", sent=("BTC", "0.3"), fee=("BTC", "0.00004"), note=f"To Binance; tx {btc3}"),
        # Net Worth in EUR is not a usd_value
        row(p, 12, "2024-05-31 23:59:59", "income", received=("SOL", "0.165"), note="staking; Stake account rewards (May)"),
        row(p, 13, "2024-06-21 17:40:02", "withdrawal", sent=("ETH", "1.25"), fee=("ETH", "0.00042"), note=f"To Coinbase; tx {eth4}"),
        row(p, 14, "2024-06-30 23:59:59", "income", received=("SOL", "0.149"), usd="21.75", note="staking; Stake account rewards (June)"),
        row(p, 15, "2024-07-15 07:18:26", "withdrawal", sent=("SOL", "30"), fee=("SOL", "0.000005"), note=f"To Kraken; tx {sol2}"),
        row(
            p,
            16,
            "2024-08-19 18:11:47",
            "spend",
            sent=("BTC", "0.0021"),
            fee=("BTC", "0.00001"),
            usd="125.40",
            note=f"cost; Hardware wallet accessory (BitPay invoice); tx {btc4}",
        ),  # fmt: skip
        # line 17 is the 'ignored' spam token
        row(
            p, 18, "2024-09-30 23:59:59", "income", received=("SOL", "0.041"), usd="6.18", note="staking; Stake account rewards (September)"
        ),
        row(p, 19, "2024-11-08 15:55:20", "deposit", received=("SOL", "12.5"), note=f"From KuCoin; tx {sol3}"),
        row(p, 20, "2024-12-02 11:27:09", "withdrawal", sent=("USDC", "16.36"), fee=("ETH", "0.0009"), note=f"To Kraken; tx {eth6}"),
        row(p, 21, "2024-12-31 23:59:59", "income", received=("SOL", "0.093"), usd="17.86", note="staking; Stake account rewards (Q4)"),
    ]
    assert errors(ledger) == []
    report = ledger.files[0]
    assert (report.importer, report.header_line, report.rows, report.kept) == ("koinly", 1, 19, 19)
    assert report.skipped == {"Koinly label 'ignored' (excluded from calculations by the user)": 1}
    assert report.wallets == ("koinly_ledger_nano_2024",)


def test_sample__balances_never_go_negative() -> None:
    """The story's arithmetic: a hardware wallet cannot send more than it received."""
    balance: dict[str, Decimal] = {}
    for r in load(SAMPLE).rows():
        if r.received_asset:
            balance[r.received_asset] = balance.get(r.received_asset, Decimal(0)) + r.received_qty  # type: ignore[operator]
        for asset, qty in ((r.sent_asset, r.sent_qty), (r.fee_asset, r.fee_qty)):
            if asset:
                balance[asset] -= qty  # type: ignore[operator]
                assert balance[asset] >= 0, (r.source, asset)
    assert balance == {
        "BTC": Decimal("0.12785"),
        "ETH": Decimal("0.04438"),
        "SOL": Decimal("23.418995"),
        "USDC": Decimal("0"),
    }


def test_tag_header_bom_crlf_reordered_columns_and_no_net_worth() -> None:
    p = FIXTURES / "tag_bom_crlf.csv"
    ledger = load(p)
    assert table(ledger) == [
        row(p, 2, "2024-04-02 08:47:15", "withdrawal", sent=("USDC", "4700"), fee=("ETH", "0.0012"), note="To Binance; tx 0x51c9"),
        # "YYYY-MM-DD HH:MM" without seconds, as Koinly's own help writes it
        row(p, 3, "2024-04-30 23:59:00", "income", received=("SOL", "0.158"), note="Staking"),
        # an explicit offset is honoured: 10:00+02:00 is 08:00 UTC; "Other_Income" reads as "other income"
        row(p, 4, "2024-05-02 08:00:00", "income", received=("USDC", "25"), note="Other_Income; Bug bounty; tx 0x7777"),
        row(
            p,
            5,
            "2024-05-03 12:30:00",
            "trade",
            sent=("ETH", "0.03"),
            received=("USDC", "100"),
            fee=("ETH", "0.0004"),
            note="swap; DEX; tx 0x8888",
        ),
    ]
    assert errors(ledger) == []


def test_semicolon_separator__usd_side_leaves_usd_value_blank() -> None:
    p = FIXTURES / "semicolon.csv"
    ledger = load(p)
    assert table(ledger) == [
        row(
            p,
            2,
            "2024-01-05 14:00:00",
            "trade",
            sent=("USD", "1000"),
            received=("BTC", "0.0234"),
            fee=("USD", "4.99"),
            note="Card purchase",
        ),
        row(p, 3, "2024-02-01 00:00:00", "income", received=("ETH", "0.015"), usd="45.10", note="staking; Weekly validator reward"),
    ]


def test_bad_rows__each_names_its_line_and_problem() -> None:
    p = FIXTURES / "bad_rows.csv"
    ledger = load(p)
    f = str(p)
    known = (
        "(blank), airdrop, cashback, cost, fork, ignored, income, lending interest, loan interest, mining, other income, reward, "
        "salary, staking, swap"
    )
    got = errors(ledger)
    # Line 5 is the formats file's `…,0.5,ETH,1,650.2,USDC,…` with an empty TxHash: 13 fields for 12 columns.
    # It must never become a row with Received Amount=1: ingest counts the fields of every line.
    assert [g[2] for g in got if g[1] == 5] == ["row has 13 fields, the header has 12"]
    assert [g for g in got if g[1] != 5] == [
        (f, 6, "row has 13 fields, the header has 12"),
        (f, 7, "Received Amount '1,650.2' is not a number"),
        (f, 8, "Date '05/01/2024 10:00:00' is not a Koinly date (YYYY-MM-DD HH:MM:SS UTC)"),
        (f, 9, "Koinly label 'gift' is not supported yet"),
        (f, 10, "Koinly label 'Margin_Loan' is not supported yet"),
        (f, 11, "Koinly label 'staking' needs a row with only a received side"),
        (f, 12, "Koinly label 'cost' needs a row with only a sent side"),
        (f, 13, f"unknown Koinly label 'Bonus'; taxlots knows: {known}"),
        (f, 14, "Sent Amount '-0.1' is negative; amounts are positive here (the column gives the direction)"),
        (f, 15, "Sent Currency 'ID:2713' is a Koinly internal id; write the ticker"),
        (f, 16, "row has neither a sent nor a received amount"),
        (f, 17, "Sent Amount 'oops' is not a number; Net Worth Amount '12.5.1' is not a number"),
        (f, 18, "Date is blank"),
    ]
    # the formats file's three good example rows, and a zero fee that is no fee
    assert table(ledger) == [
        row(
            p,
            2,
            "2024-01-05 14:00:00",
            "trade",
            sent=("USD", "1000"),
            received=("BTC", "0.0234"),
            fee=("USD", "4.99"),
            note="Card purchase",
        ),
        row(p, 3, "2024-02-01 00:00:00", "income", received=("ETH", "0.015"), usd="45.10", note="staking; Weekly validator reward"),
        row(
            p,
            4,
            "2024-03-10 09:12:00",
            "withdrawal",
            sent=("ETH", "0.5"),
            fee=("ETH", "0.0012"),
            note="To hardware wallet; tx 0x00000000000000000000000000000000000000000000000000000000000000c3",
        ),  # fmt: skip
        row(p, 19, "2024-05-11 10:00:00", "withdrawal", sent=("ETH", "0.1"), note="zero fee"),
    ]
    assert ledger.files[0].skipped == {}


HEADERS = {
    "template": "Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,"
    "Net Worth Currency,Label,Description,TxHash",
    "tag": "Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,"
    "Net Worth Currency,Tag,Description,TxHash",
    "no optional columns": "Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Label",
    "reordered with extra": "TxHash,Label,Date,Received Currency,Received Amount,Sent Currency,Sent Amount,Fee Currency,Fee Amount,"
    "Wallet Name",
}


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_header_variants__claimed_by_koinly_only(header: str) -> None:
    cells = tuple(normalize_header(c) for c in header.split(","))
    assert [m.NAME for m in MINE if matches(m, cells)] == ["koinly"]


def test_koinly_own_export__not_read_as_the_template() -> None:
    """Koinly's tax-report export shares the sent/received columns but is another format."""
    p = FIXTURES / "koinly_export.csv"
    ledger = ingest.load([str(p)], importers=MINE)
    assert ledger.frame.height == 0
    assert [(d.code, d.source.line) for d in ledger.diagnostics if d.source] == [(Code.MISSING_COLUMN, 1)]
    assert ledger.files[0].importer == ""


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (ROOT / "samples" / "koinly_ledger_nano_2024.csv", "koinly"),
        (ROOT / "samples" / "cointracker_2024.csv", "cointracker"),
        (ROOT / "samples" / "coinledger_2024.csv", "coinledger"),
        *[(p, "koinly") for p in sorted(FIXTURES.glob("*.csv")) if p.name != "koinly_export.csv"],
        *[(p, "koinly-simple") for p in sorted((FIXTURES.parent / "koinly_simple").glob("*.csv"))],
    ],
    ids=lambda v: v.name if isinstance(v, Path) else v,
)
def test_each_file_is_claimed_by_its_own_importer_only(path: Path, name: str) -> None:
    sniffed, diag = ingest.sniff(str(path), MINE)
    assert diag is None and sniffed is not None
    found: str = sniffed.importer.NAME
    assert found == name
