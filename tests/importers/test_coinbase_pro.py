"""The Coinbase Pro / Advanced fills importer. Expected rows are written out by hand from the sample files."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import coinbase, coinbase_pro, generic

FIXTURES = Path(__file__).resolve().parent / "samples" / "coinbase"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "coinbase_pro_fills_2024.csv"
COLUMNS = (
    "line",
    "timestamp",
    "type",
    "sent_asset",
    "sent_qty",
    "received_asset",
    "received_qty",
    "fee_asset",
    "fee_qty",
    "usd_value",
    "id",
)
P = "coinbase-pro:"

Row = tuple[object, ...]


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=(coinbase_pro,))


def table(ledger: ingest.Ledger) -> list[Row]:
    """``(line, time, sent asset, sent qty, received asset, received qty, fee asset, fee qty, id)``, numbers as Decimal."""
    out = []
    for line, ts, kind, sa, sq, ra, rq, fa, fq, usd, rid in ledger.frame.select(COLUMNS).iter_rows():
        assert (kind, usd) == ("trade", None)
        num = [None if x is None else Decimal(x) for x in (sq, rq, fq)]
        out.append((line, ts.isoformat(), sa, num[0], ra, num[1], fa, num[2], rid))
    return out


def expect(rows: list[Row]) -> list[Row]:
    out = []
    for line, ts, sa, sq, ra, rq, fa, fq, rid in rows:
        num = [None if x is None else Decimal(str(x)) for x in (sq, rq, fq)]
        out.append((line, datetime.fromisoformat(f"{ts}+00:00").isoformat(), sa, num[0], ra, num[1], fa, num[2], rid))
    return out


def test_sample_fills() -> None:
    ledger = load(SAMPLE)
    assert ledger.diagnostics == []
    assert ledger.files[0].header_line == 1
    assert set(ledger.frame["wallet"]) == {"Coinbase"}
    assert table(ledger) == expect(
        [
            # BUY: sent |total| - fee = 266.431052 - 1.589052 = 264.842 USD (= 0.004 x 66210.50)
            (2, "2024-03-05 14:02:11.418", "USD", "264.842", "BTC", "0.004", "USD", "1.589052", P + "BTC-USD:612004511"),
            (3, "2024-03-05 14:02:11.418", "USD", "231.736785", "BTC", "0.0035", "USD", "1.39042071", P + "BTC-USD:612004512"),
            (4, "2024-03-05 14:02:11.733", "USD", "165.5275", "BTC", "0.0025", "USD", "0.993165", P + "BTC-USD:612004519"),
            # SELL: received total + fee = 666.2244 + 2.6756 = 668.90 USD (= 0.01 x 66890)
            (5, "2024-03-05 18:45:03.002", "BTC", "0.01", "USD", "668.9", "USD", "2.6756", P + "BTC-USD:612031877"),
            (6, "2024-03-12 09:31:40.250", "USD", "955.1", "ETH", "0.25", "USD", "5.7306", P + "ETH-USD:498120034"),
            (7, "2024-03-13 16:08:27.911", "ETH", "0.25", "USD", "975.2875", "USD", "3.90115", P + "ETH-USD:498166702"),
            (8, "2024-04-02 11:20:05.064", "USD", "599.2", "SOL", "3.5", "USD", "3.5952", P + "SOL-USD:77104452"),
            (9, "2024-04-03 08:55:49.377", "SOL", "2", "USD", "348.1", "USD", "1.3924", P + "SOL-USD:77118930"),
            (10, "2024-04-03 08:55:49.377", "SOL", "1.5", "USD", "261.06", "USD", "1.04424", P + "SOL-USD:77118931"),
            # crypto-quoted: fee and total in BTC
            (11, "2024-05-20 10:12:00.500", "BTC", "0.005123", "ETH", "0.1", "BTC", "0.000030738", P + "ETH-BTC:9120334"),
            (12, "2024-05-21 07:40:18.026", "ETH", "0.0989", "BTC", "0.00513291", "BTC", "0.00002053164", P + "ETH-BTC:9120871"),
            # fee 2.2836e-7: 0.00005686164 + 0.00000022836 = 0.00005709 BTC
            (13, "2024-05-21 07:40:18.026", "ETH", "0.0011", "BTC", "0.00005709", "BTC", "0.00000022836", P + "ETH-BTC:9120872"),
            (14, "2024-06-03 13:27:44.860", "USDC", "342.1", "BTC", "0.005", "USDC", "2.0526", P + "BTC-USDC:34002178"),
            (15, "2024-06-04 15:03:12.119", "BTC", "0.005", "USDC", "345.52875", "USDC", "1.382115", P + "BTC-USDC:34009925"),
            (16, "2024-08-06 02:14:37.592", "USD", "823.20375", "BTC", "0.015", "USD", "4.9392225", P + "BTC-USD:640177203"),
            (17, "2024-08-07 19:50:02.304", "BTC", "0.015", "USD", "840.192", "USD", "3.360768", P + "BTC-USD:640233918"),
            (18, "2024-09-18 12:00:59.145", "USD", "940.66", "ETH", "0.4", "USD", "5.64396", P + "ETH-USD:531870456"),
            (19, "2024-09-19 21:33:16.667", "ETH", "0.4", "USD", "976.04", "USD", "3.90416", P + "ETH-USD:531911240"),
            (20, "2024-10-28 06:45:30.008", "USD", "881.75", "SOL", "5", "USD", "5.2905", P + "SOL-USD:81560311"),
            (21, "2024-10-29 14:22:41.529", "SOL", "5", "USD", "904.5", "USD", "3.618", P + "SOL-USD:81602795"),
            (22, "2024-12-16 09:05:11.870", "USD", "833.68", "BTC", "0.008", "USD", "5.00208", P + "BTC-USD:671905560"),
            (23, "2024-12-17 03:41:27.455", "BTC", "0.008", "USD", "850.41896", "USD", "3.40167584", P + "BTC-USD:671940018"),
        ]
    )


def test_sample_fee_in_exponent_notation_is_written_plainly() -> None:
    fees = dict(load(SAMPLE).frame.select("line", "fee_qty").iter_rows())
    assert fees[13] == "0.00000022836"


def test_sample_notes() -> None:
    notes = dict(load(SAMPLE).frame.select("line", "note").iter_rows())
    assert notes[2] == "BUY BTC-USD at 66210.50"
    assert notes[13] == "SELL ETH-BTC at 0.05190"


def test_gdax_era_file_without_portfolio() -> None:
    ledger = load(FIXTURES / "pro_fills_gdax.csv")
    assert ledger.diagnostics == []
    assert table(ledger) == expect(
        [
            (2, "2019-03-15 14:02:11.418", "USD", "195.6", "BTC", "0.05", "USD", "0.978", P + "BTC-USD:48211907"),
            (3, "2019-03-15 16:45:03.002", "BTC", "0.02", "USD", "79.002", "USD", "0.39501", P + "BTC-USD:48211955"),
            # 0.04748625 - 0.00023625 = 0.04725 BTC = 1.5 x 0.0315
            (4, "2019-03-16 09:12:00.500", "BTC", "0.04725", "ETH", "1.5", "BTC", "0.00023625", P + "ETH-BTC:9120334"),
            # fee 1.58e-7; received 0.000031442 + 0.000000158 = 0.0000316 BTC
            (5, "2019-03-16 10:00:00", "ETH", "0.001", "BTC", "0.0000316", "BTC", "0.000000158", P + "ETH-BTC:9120401"),
        ]
    )


def test_bad_rows() -> None:
    path = FIXTURES / "pro_fills_bad.csv"
    ledger = load(path)
    assert sorted((d.source.file, d.source.line, d.message) for d in ledger.diagnostics if d.source) == [
        (str(path), 2, "side 'HOLD' is not BUY or SELL"),
        (str(path), 3, "product 'BTCUSD' is not BASE-QUOTE (BTC-USD)"),
        (str(path), 4, "size '0,01' is not a number"),
        (str(path), 5, "total is blank"),
        (str(path), 6, "created at '02/01/2024 10:00' is not an ISO 8601 UTC time (2021-03-15T14:02:11.418Z)"),
    ]
    # a zero fee is no fee
    assert table(ledger) == expect([(7, "2024-01-02 10:00:05", "BTC", "0.01", "USD", "450", None, None, P + "BTC-USD:1006")])


def test_overlapping_exports_keep_one_row_per_product_and_trade_id(tmp_path: Path) -> None:
    again = tmp_path / "fills_again.csv"
    again.write_bytes(SAMPLE.read_bytes())
    ledger = load(SAMPLE, again)
    assert ledger.frame.height == 22
    assert ledger.files[1].duplicates == 22


@pytest.mark.parametrize(
    "header",
    [
        "portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit",
        "trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit",
    ],
)
def test_both_headers_are_recognized(tmp_path: Path, header: str) -> None:
    path = tmp_path / "fills.csv"
    path.write_text(header + "\n", encoding="utf-8")
    found, diag = ingest.sniff(str(path), importers=(coinbase, coinbase_pro, generic))
    assert diag is None and found is not None
    assert found.importer is coinbase_pro


@pytest.mark.parametrize("path", [SAMPLE, FIXTURES / "pro_fills_gdax.csv", FIXTURES / "pro_fills_bad.csv"], ids=lambda p: p.name)
def test_only_coinbase_pro_claims_its_files(path: Path) -> None:
    found, diag = ingest.sniff(str(path), importers=(coinbase, coinbase_pro, generic))
    assert diag is None and found is not None
    assert found.importer is coinbase_pro


def test_retail_advanced_trade_rows_covered_by_a_fills_report_count_once(tmp_path: Path) -> None:
    retail = tmp_path / "retail.csv"
    retail.write_text(
        "ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,"
        "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes\n"
        # inside the fills report's ETH-USDC span: the same trade again, under another id -> skipped
        '6660000000000000000000a1,2024-06-11 09:05:44 UTC,Advanced Trade Sell,ETH,-0.5,USD,"$3,502.10","-$1,751.05",'
        '"-$1,743.35",$7.70,Sold 0.5 ETH for 1743.35 USDC on ETH-USDC at 3502.1 USDC/ETH\n'
        # before the span: kept
        '6660000000000000000000a2,2024-01-02 10:00:00 UTC,Advanced Trade Buy,ETH,0.1,USD,"$2,300.00",$230.00,'
        "$230.23,$0.23,Bought 0.1 ETH for 230.23 USDC on ETH-USDC at 2300 USDC/ETH\n"
        # another product, which the fills report does not cover: kept
        '6660000000000000000000a3,2024-06-11 09:10:00 UTC,Advanced Trade Buy,BTC,0.01,USD,"$67,000.00",$670.00,'
        "$670.67,$0.67,Bought 0.01 BTC for 670.67 USD on BTC-USD at 67000 USD/BTC\n"
    )
    fills = tmp_path / "fills.csv"
    fills.write_text(
        "portfolio,trade id,product,side,created at,size,size unit,price,fee,total,price/fee/total unit\n"
        "default,900001,ETH-USDC,SELL,2024-06-11T09:05:44.120Z,0.5,ETH,3502.10,7.70,1743.35,USDC\n"
        "default,900002,ETH-USDC,BUY,2024-06-20T12:00:00.000Z,0.2,ETH,3400.00,0.68,-680.68,USDC\n"
    )
    ledger = ingest.load([str(retail), str(fills)], importers=(coinbase, coinbase_pro))
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert [r.id for r in ledger.rows()] == [
        "coinbase:6660000000000000000000a2",
        "coinbase-pro:ETH-USDC:900001",
        "coinbase:6660000000000000000000a3",
        "coinbase-pro:ETH-USDC:900002",
    ]
    assert ledger.files[0].skipped == {f"covered by {fills} (the authoritative export of these trades)": 1}
