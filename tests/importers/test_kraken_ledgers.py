"""Kraken ledgers.csv: the sample, every header variant, older and newer files, bad rows, asset codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from taxlots import ingest
from taxlots.importers import kraken_ledgers
from tests.importers._kraken import (
    EARN_MOVE,
    EVERY,
    FUTURES_MOVE,
    HERE,
    LEDGERS,
    MINE,
    PENDING_DEPOSIT,
    PENDING_WITHDRAWAL,
    ROOT,
    SAMPLE_LEDGER_ROWS,
    TRADE,
    TRADES,
    errors,
    load,
    row,
    table,
)

# --- the sample ------------------------------------------------------------------------------------------


def test_sample_ledgers_rows() -> None:
    ledger = load(LEDGERS)
    assert errors(ledger) == []
    assert table(ledger) == SAMPLE_LEDGER_ROWS


def test_sample_ledgers_skips() -> None:
    report = load(LEDGERS).files[0]
    assert report.importer == "kraken-ledgers"
    assert report.skipped == {PENDING_DEPOSIT: 3, PENDING_WITHDRAWAL: 3, EARN_MOVE: 4}
    assert (report.rows, report.kept, report.errors) == (21, 21, 0)


def test_ledgers_result_does_not_depend_on_row_order(tmp_path: Path) -> None:
    lines = LEDGERS.read_text().splitlines(keepends=True)
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text(lines[0] + "".join(reversed(lines[1:])))

    def events(path: Path) -> list[tuple[Any, ...]]:
        return sorted(r[1:] for r in table(load(path)))

    assert events(shuffled) == events(LEDGERS)


# --- header variants and detection -------------------------------------------------------------------------

LEDGER_HEADERS = {
    "9-column": '"txid","refid","time","type","aclass","asset","amount","fee","balance"',
    "10-column": '"txid","refid","time","type","subtype","aclass","asset","amount","fee","balance"',
    "10-column-trailing": '"txid","refid","time","type","subtype","aclass","asset","amount","fee","balance",""',
    "wallet": '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance"',
    "amountusd": '"txid","refid","time","type","subtype","aclass","asset","amount","fee","balance","amountusd"',
    "wallet-amountusd": '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance","amountusd"',
    "2025": '"txid","refid","time","type","subtype","aclass","subclass","asset","wallet","amount","fee","balance"',
    "2026": '"txid","refid","time","type","subtype","aclass","subclass","asset","wallet","amount","fee","balance","amountusd","feeusd",'
    '"balanceusd","feecurrency"',
    "semicolon": "txid;refid;time;type;subtype;aclass;asset;amount;fee;balance",
}


@pytest.mark.parametrize("header", LEDGER_HEADERS.values(), ids=LEDGER_HEADERS.keys())
def test_header_variant_is_claimed_by_kraken_ledgers_only(tmp_path: Path, header: str) -> None:
    path = tmp_path / "ledgers.csv"
    path.write_text("\ufeff" + header + "\r\n")
    sniffed, problem = ingest.sniff(str(path), EVERY)
    assert problem is None
    assert sniffed is not None and sniffed.importer.NAME == "kraken-ledgers"


KRAKEN_FILES = sorted(HERE.glob("*.csv")) + [LEDGERS, TRADES]


@pytest.mark.parametrize("path", KRAKEN_FILES, ids=lambda p: p.name)
def test_kraken_files_are_claimed_by_their_importer_only(path: Path) -> None:
    sniffed, problem = ingest.sniff(str(path), EVERY)
    assert problem is None
    assert sniffed is not None
    assert sniffed.importer.NAME == (
        "kraken-trades" if path.name.startswith("kraken_trades") or path.name.startswith("trades") else "kraken-ledgers"
    )


@pytest.mark.parametrize("path", [p for p in sorted((ROOT / "samples").glob("*.csv")) if "kraken" not in p.name], ids=lambda p: p.name)
def test_other_samples_are_not_claimed_by_kraken(path: Path) -> None:
    sniffed, _ = ingest.sniff(str(path), MINE)
    assert sniffed is None


# --- older and newer ledgers -------------------------------------------------------------------------------


def test_ledgers_2020_nine_columns() -> None:
    ledger = load(HERE / "ledgers_2020_9col.csv")
    assert errors(ledger) == []
    assert table(ledger) == [
        row(3, "2020-04-01 09:02:31", "deposit", "QGA7SZI-OK6LRQ-AAXYZ1", r="EUR 2000", note="deposit"),
        row(4, "2020-04-05 14:03:27", "trade", "TQ4LCV-7HZPX-2BQW3D", s="EUR 843", r="BTC 0.02", f="EUR 1.3488", note="trade"),
        # the fee sits on the DOGE leg: DOGE received gross, the fee leaves in DOGE
        row(6, "2020-04-06 10:00:00", "trade", "TDG4PA-9QMZ1-L7XCVB", s="EUR 20", r="DOGE 10000", f="DOGE 16", note="trade"),
        row(9, "2020-04-10 18:15:02", "withdrawal", "AGBQ7XN-LM3KD2-Z9YVWQ", s="BTC 0.01985", f="BTC 0.00015", note="withdrawal"),
        row(10, "2020-04-11 00:05:10", "income", "RUI4U34-RQ42JX-Q3X4OO", r="XTZ 0.04512", note="staking"),
    ]
    assert ledger.files[0].skipped == {PENDING_DEPOSIT: 1, PENDING_WITHDRAWAL: 1}


def test_ledgers_2021_trailing_empty_column_bom_crlf() -> None:
    ledger = load(HERE / "ledgers_2021_10col_trailing.csv")
    assert errors(ledger) == []
    assert table(ledger) == [
        row(4, "2021-03-09 01:00:00", "income", "RWD7QZ2-PX4MW-K9VNC2", r="ETH 0.0021", note="staking"),
        row(5, "2021-03-10 01:00:00", "income", "RWD8MX3-QZ5NW-L2BPV3", r="DOT 0.04", note="staking"),
        row(6, "2021-03-12 12:30:45", "trade", "TD3QZW-8XMK2-PN4VLA", s="DOT 10", r="EUR 300", f="EUR 0.78", note="trade"),
        row(8, "2021-03-15 00:00:00", "income", "ADR5KQW-2ZXM9-P7NVB4", r="FLR 25", note="transfer airdrop"),
        row(9, "2021-03-20 10:00:00", "income", "INV2QZX-7MW4K-B3NPV5", r="EUR 10", note="invite bonus"),
    ]
    assert ledger.files[0].skipped == {EARN_MOVE: 2}  # spottostaking XETH / stakingfromspot ETH2.S


def test_ledgers_2025_kfee_leg_two_wallets_and_card_purchase() -> None:
    ledger = load(HERE / "ledgers_2025_12col.csv")
    assert errors(ledger) == []
    assert table(ledger) == [
        row(2, "2025-02-03 11:20:45", "trade", "TR7XAM-KQ0PZ-5C2F9L", s="EUR 500", r="BTC 0.0052631579", f="EUR 0.8", note=TRADE),
        row(4, "2025-02-05 08:01:10", "deposit", "FTq8ZbK2xW-Lm4Rt7Yu1Io3Pa", r="EUR 100", note="deposit"),
        row(5, "2025-02-05 08:01:13", "trade", "IR5KQ2D", s="EUR 98.5", r="BTC 0.0010364929", f="EUR 1.5", note="spend/receive"),
        row(7, "2025-02-09 02:00:07", "income", "EWZ4C2P", r="DOT 0.0218", note="earn reward"),
        # the fee was paid in KFEE credits (a zero-amount leg): KFEE is the fee asset
        row(8, "2025-03-01 10:00:00", "trade", "TS9KFE-ZZ1AA-4PQ7RT", s="EUR 250", r="BTC 0.0026315789", f="KFEE 40", note=TRADE),
        # BTC drawn from spot / main (0.006) and earn / liquid (0.004): one sale of 0.01 BTC
        row(11, "2025-06-10 16:40:12", "trade", "TSELL1-BBBBB-CCCCC1", s="BTC 0.01", r="EUR 980", f="EUR 1.568", note=TRADE),
    ]
    assert ledger.files[0].skipped == {}


def test_ledgers_2026_usd_columns_negative_fees_and_placeholders() -> None:
    ledger = load(HERE / "ledgers_2026_usd.csv")
    assert errors(ledger) == []
    assert table(ledger) == [
        # fee written -0.0000910000: its magnitude; usd_value is the received BTC leg's amountusd
        row(
            2,
            "2026-01-10 10:00:00",
            "trade",
            "TEB6WQ-3KZX8-MN2PLA",
            s="ETH 1",
            r="BTC 0.035",
            f="BTC 0.000091",
            usd="3499.65",
            note=TRADE,
        ),
        row(6, "2026-01-12 01:00:00", "income", "ERW9QZ4-KX2MW-N7PLV3", r="ETH 0.0004", note="earn reward"),  # amountusd "-"
        row(
            7,
            "2026-01-13 15:20:09",
            "withdrawal",
            "FTr4Kw9ZqX-Mn2Pb6Lc8Vt1Hs",
            s="BTC 0.05",
            f="BTC 0.00002",
            usd="4999.50",
            note="withdrawal",
        ),
        row(9, "2026-01-15 12:00:00", "income", "DVD2QX8-MZ4KW-L9NPB6", r="USDT 1.25", usd="1.25", note="dividend"),
        row(10, "2026-01-16 08:30:00", "deposit", "FTt2Lx5QwZ-Kn9Mb3Rc7Vp4Hd", r="USD 1000", note="deposit"),
    ]
    assert ledger.files[0].skipped == {EARN_MOVE: 2, FUTURES_MOVE: 1}


def test_ledgers_excel_semicolon_crlf() -> None:
    ledger = load(HERE / "ledgers_excel_semicolon.csv")
    assert errors(ledger) == []
    assert table(ledger) == [
        row(2, "2022-05-02 09:15:00", "deposit", "FTu8Mz3KqW-Xp6Rn1Bc4Lv9Jd", r="USD 5000", note="deposit"),
        row(3, "2022-05-03 11:00:00", "trade", "TSC2QW-7ZKX4-MN8PLB", s="USD 3000", r="ETH 1", f="USD 4.8", note="trade"),
    ]


# --- bad rows ----------------------------------------------------------------------------------------------


def test_ledgers_bad_rows() -> None:
    path = HERE / "ledgers_bad_rows.csv"
    ledger = load(path)
    f = str(path)
    known = "adjustment, deposit, dividend, earn, invite bonus, receive, spend, staking, trade, transfer, withdrawal"
    earn = "airdrop, allocation, autoallocate, autoallocation, deallocation, migration, reward"
    transfer = (
        "airdrop, delistingconversion, spotfromfutures, spotfromstaking, spottofutures, spottostaking, stakingfromspot, stakingtospot"
    )
    assert errors(ledger) == [
        (f, 4, "amount 'oops' is not a number"),
        (f, 5, "amount '12.3.4' is not a number"),  # its trade (refid TBAD01-...) is left out with it
        (f, 7, "time '2025-13-40 10:00:00' is not a UTC time like 2024-03-01 12:00:00"),
        (f, 8, f"unknown ledger type 'credit'; taxlots knows: {known}"),
        (f, 9, "margin trading (ledger type 'margin') is not supported; taxlots reads spot activity only"),
        (f, 10, "margin trading (ledger type 'rollover') is not supported; taxlots reads spot activity only"),
        (f, 11, f"unknown earn subtype ''; taxlots knows: {earn}"),
        (f, 12, f"unknown transfer subtype ''; taxlots knows: {transfer}"),
        (f, 13, "refid ADJ9QZ4-WX2KM does not resolve into exactly one sent and one received asset (sent: nothing; received: ADA)"),
        (f, 14, "refid DST6WQ3-ZX8KM does not resolve into exactly one sent and one received asset (sent: ADA, DOT; received: BTC)"),
        (f, 20, "staking amount '-0.5000000000' is negative; taxlots reads it as income received"),
        (f, 21, "refid is blank; a trade's legs are linked by it"),
        (f, 22, "amount '0.1234567890123456789' has more than 18 decimal places"),
    ]
    assert table(ledger) == [
        row(2, "2025-01-02 00:00:00", "trade", "DLC4QZ2-WX8KM", s="WAVES 12.5", r="USD 20.125", note="adjustment delistingconversion"),
        # fees in EUR (line 17) and KFEE credits (line 19): the sent asset's fee stays on the trade, KFEE gets a row
        row(17, "2025-01-12 09:30:00", "trade", "TFEE02-QWZX4-MK2PLN", s="EUR 250", r="BTC 0.0026315789", f="EUR 0.4", note=TRADE),
        row(
            19,
            "2025-01-12 09:30:00",
            "fee",
            "TFEE02-QWZX4-MK2PLN:fee2",
            s="KFEE 40",
            note="trade fee of kraken:TFEE02-QWZX4-MK2PLN charged in a second asset",
        ),
        row(23, "2025-01-16 00:00:00", "deposit", "FTy4Tz0OnA-Ps6Uq1Ef5Ow8Kg", r="BTC 0.01", note="deposit"),
        row(24, "2025-01-17 00:00:00", "withdrawal", "FTy4Tz0OnA-Ps6Uq1Ef5Ow8Kg:reversal", s="BTC 0.01", note="reversed deposit"),
    ]
    assert ledger.files[0].skipped == {"blank line": 1, "repeated header line": 1, EARN_MOVE: 2}
    assert ledger.files[0].errors == 13


# --- asset codes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ticker"),
    [
        ("XXBT", "BTC"),
        ("XBT", "BTC"),
        ("BTC", "BTC"),
        ("XBT.M", "BTC"),
        ("XXDG", "DOGE"),
        ("XDG", "DOGE"),
        ("XETH", "ETH"),
        ("ETH2", "ETH"),
        ("ETH2.S", "ETH"),
        ("XLTC", "LTC"),
        ("XXRP", "XRP"),
        ("XXLM", "XLM"),
        ("XETC", "ETC"),
        ("XZEC", "ZEC"),
        ("XMLN", "MLN"),
        ("XREP", "REP"),
        ("ZUSD", "USD"),
        ("ZEUR", "EUR"),
        ("ZGBP", "GBP"),
        ("ZCAD", "CAD"),
        ("ZJPY", "JPY"),
        ("ZAUD", "AUD"),
        ("DOT.S", "DOT"),
        ("DOT28.S", "DOT"),
        ("FLOW14.S", "FLOW"),
        ("ADA.S", "ADA"),
        ("USD.HOLD", "USD"),
        ("USD.M", "USD"),
        ("KAVA.P", "KAVA"),
        ("SOL.F", "SOL"),
        ("USDC.B", "USDC"),
        ("KFEE", "KFEE"),
        ("1INCH", "1INCH"),
        ("sol", "SOL"),
        (" ", None),
    ],
)
def test_asset_code(code: str, ticker: str | None) -> None:
    assert pl.DataFrame({"a": [code]}).select(kraken_ledgers.asset_code(pl.col("a"))).item() == ticker


# --- a trade charged fees in two assets ---------------------------------------------------------------------


def test_a_trade_with_fees_in_both_legs_gets_a_second_fee_row() -> None:
    # Each leg's fee leaves in that leg's asset (Kraken: balance = previous + amount - fee), so a trade whose
    # legs both carry a fee pays two fees. The trade row keeps the USD fee, else the sent asset's fee; the
    # other becomes a `fee` row of its own (priced later), id <trade id>:fee2, on the line of the leg that
    # charged it (never the trade row's own line, so the order of rows is fixed). T2F002's USDT fee is on
    # its first leg (line 4, the trade's line): the row goes to the trade's last leg, line 5.
    ledger = load(HERE / "ledgers_two_fees.csv")
    assert errors(ledger) == []
    assert table(ledger) == [
        row(2, "2025-03-01 10:00:00", "trade", "T2F001-QWZX4-MK2PLN", s="EUR 500", r="BTC 0.008", f="EUR 0.8", note=TRADE),
        row(3, "2025-03-01 10:00:00", "fee", "T2F001-QWZX4-MK2PLN:fee2", s="BTC 0.000016",
            note="trade fee of kraken:T2F001-QWZX4-MK2PLN charged in a second asset"),
        row(4, "2025-03-02 11:00:00", "trade", "T2F002-QWZX4-MK2PLN", s="GBP 790", r="USDT 1000", f="GBP 0.5", note=TRADE),
        row(5, "2025-03-02 11:00:00", "fee", "T2F002-QWZX4-MK2PLN:fee2", s="USDT 1.6",
            note="trade fee of kraken:T2F002-QWZX4-MK2PLN charged in a second asset"),
        # a USD fee stays on the trade (cash is no disposal); the SOL fee is the extra row
        row(6, "2025-03-03 12:00:00", "trade", "T2F003-QWZX4-MK2PLN", s="USD 300", r="SOL 2", f="USD 0.48", note=TRADE),
        row(7, "2025-03-03 12:00:00", "fee", "T2F003-QWZX4-MK2PLN:fee2", s="SOL 0.004",
            note="trade fee of kraken:T2F003-QWZX4-MK2PLN charged in a second asset"),
    ]  # fmt: skip


def test_the_second_fee_row_is_a_disposal_in_the_engine() -> None:
    from decimal import Decimal

    from taxlots.lots.engine import match

    ledger = load(HERE / "ledgers_two_fees.csv")
    rows = [r for r in ledger.rows() if r.id.startswith("kraken:T2F003")]
    # the price step would value the SOL fee; here by hand: 0.004 SOL at 150 USD = 0.6
    priced = [r._replace(usd_value=Decimal("0.6")) if r.kind.value == "fee" else r for r in rows]
    result = match(priced)
    [fee] = result.disposals
    # the lot cost 300 + the 0.48 USD fee = 300.48 for 2 SOL; the fee's share is 300.48 x 0.004 / 2 = 0.60096
    assert (fee.id, fee.asset, fee.quantity, fee.proceeds, fee.basis) == (
        "kraken:T2F003-QWZX4-MK2PLN:fee2", "SOL", Decimal("0.004"), Decimal("0.6"), Decimal("0.60096"),
    )  # fmt: skip
