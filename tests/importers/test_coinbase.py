"""The Coinbase retail transaction history importer: every header version, the sample and the awkward rows.

Expected rows are written out by hand from the sample files (see the arithmetic in the comments).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import coinbase, coinbase_pro, generic
from taxlots.testing import place_id

FIXTURES = Path(__file__).resolve().parent / "samples" / "coinbase"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
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
NUMBERS = (4, 6, 8, 9)

Row = tuple[object, ...]


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=(coinbase,))


def table(ledger: ingest.Ledger) -> list[Row]:
    """The ledger's rows, numbers as Decimal and timestamps as ISO strings, so "0.50" equals "0.5"."""
    out = []
    for row, file in zip(ledger.frame.select(COLUMNS).iter_rows(), ledger.frame["file"], strict=True):
        cells = list(row)
        cells[10] = place_id(cells[10], file, cells[0])
        cells[1] = cells[1].isoformat()
        for i in NUMBERS:
            cells[i] = None if cells[i] is None else Decimal(cells[i])
        out.append(tuple(cells))
    return out


def expect(path: Path, rows: list[Row]) -> list[Row]:
    """Hand-written rows: naive UTC times, numbers as strings, id None = no exchange id (FILE:LINE)."""
    out = []
    for row in rows:
        cells = list(row)
        cells[1] = datetime.fromisoformat(f"{cells[1]}+00:00").isoformat()
        for i in NUMBERS:
            cells[i] = None if cells[i] is None else Decimal(str(cells[i]))
        cells[10] = cells[10] if cells[10] is not None else f"{path}:{cells[0]}"
        out.append(tuple(cells))
    return out


def errors(ledger: ingest.Ledger) -> list[tuple[str, int, str]]:
    """Error diagnostics as (file, line, message), in line order (ingest does not promise an order)."""
    return sorted((d.source.file, d.source.line, d.message) for d in ledger.diagnostics if d.severity == "error" and d.source)


# --- the sample: v4 with preamble, USD account ----------------------------------------------------------

SAMPLE = SAMPLES / "coinbase_2024.csv"
C = "coinbase:"


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    assert errors(ledger) == []
    assert table(ledger) == expect(
        SAMPLE,
        [
            (5, "2023-11-20 14:02:11", "deposit", None, None, "USD", "15000", None, None, None, C + "655b66e3c71d31603aa6f581"),
            # Buy: sent the Subtotal 0.12 x 37180.00 = 4461.60, fee 26.77 (Total 4488.37)
            (6, "2023-11-20 14:35:40", "trade", "USD", "4461.60", "BTC", "0.12", "USD", "26.77", None, C + "655b6ebcbe1852bf6088f634"),
            (7, "2023-11-28 16:05:12", "income", None, None, "GRT", "3.52", None, None, "0.50", C + "65660fb8f85fd9605ec13e6a"),
            # Advanced Trade on ETH-USD (the account fiat): like a Buy
            (8, "2023-12-05 09:14:22", "trade", "USD", "5601.25", "ETH", "2.5", "USD", "22.41", None, C + "656ee9ee163844ac75f2540b"),
            (9, "2023-12-05 11:30:00", "withdrawal", "BTC", "0.1", None, None, None, None, None, C + "656f09b8dbbbc51df736886f"),
            (11, "2023-12-18 00:41:07", "income", None, None, "ETH", "0.00123", None, None, "2.72", C + "657f9523ba367cc40d861374"),
            (12, "2024-01-03 10:12:55", "trade", "USD", "4252.50", "SOL", "42", "USD", "25.52", None, C + "65953327f32989256108de9d"),
            (13, "2024-01-03 10:20:31", "withdrawal", "SOL", "40", None, None, None, None, None, C + "659534efcedc5ff22354ad0f"),
            (15, "2024-01-15 13:44:09", "deposit", None, None, "USDC", "5000", None, None, None, C + "65a536a9c6d9f70cf4fdbb08"),
            # Convert, Notes "to 0.78512 ETH" with "2,000" thousands; value received = min(1985.00, 2000.00)
            (16, "2024-01-15 13:50:40", "trade", "USDC", "2000", "ETH", "0.78512", None, None, "1985.00", C + "65a53830f64fdf281a85e2d1"),
            (17, "2024-01-18 01:02:33", "income", None, None, "ETH", "0.00118", None, None, "2.99", C + "65a878a9a366442e9bb8d20e"),
            (18, "2024-02-01 03:12:44", "income", None, None, "SOL", "0.00981", None, None, "0.96", C + "65bb0c2ced0be9a87fe87c46"),
            # ETH-USDC without a rate: received the "for" amount 2988 USDC, no fee; usd_value = Subtotal 3000.00
            (19, "2024-02-10 15:27:48", "trade", "ETH", "1.2", "USDC", "2988", None, None, "3000.00", C + "65c795f454b8978185698056"),
            (20, "2024-02-26 09:00:00", "deposit", None, None, "USD", "8000", None, None, None, C + "65dc5310e81ade3ee066fe9a"),
            (21, "2024-03-04 15:22:10", "trade", "USD", "1284.20", "BTC", "0.02", "USD", "15.41", None, C + "65e5f0c2e4b0a1b2c3d4e5f6"),
            (23, "2024-04-09 12:03:27", "trade", "USD", "4510.00", "SOL", "25", "USD", "27.06", None, C + "66152e8f9be4dbd405ad918e"),
            (24, "2024-04-09 12:09:51", "withdrawal", "SOL", "25", None, None, None, None, None, C + "6615300f05e7b9822365f829"),
            (25, "2024-05-01 06:00:12", "income", None, None, "USDC", "4.123456", None, None, "4.12", C + "6631da6c1359d93b442840f4"),
            # ETH-USDC at 3502.1: gross 0.5 x 3502.1 = 1751.05 USDC, fee 1751.05 - 1743.35 = 7.70 USDC
            (
                26,
                "2024-06-11 09:05:44",
                "trade",
                "ETH",
                "0.5",
                "USDC",
                "1751.05",
                "USDC",
                "7.70",
                "1751.05",
                C + "666813aa9d1c4e0012ab34cd",
            ),
            (27, "2024-07-01 02:30:18", "income", None, None, "SOL", "0.01102", None, None, "1.62", C + "668214ba190109d4687c33de"),
            (28, "2024-08-20 18:40:03", "trade", "ETH", "0.25", "USDC", "648.352", None, None, "648.35", C + "66c4d1e07f2a9b0013cd56ef"),
            # staking with a commission: Quantity is net, income valued at the Subtotal 1.86 (not the Total 2.86)
            (29, "2024-09-01 02:14:55", "income", None, None, "SOL", "0.01384", None, None, "1.86", C + "66d3b7a15e8f2c0014ef7890"),
            (30, "2024-10-02 12:00:01", "withdrawal", "BTC", "0.01", None, None, "USD", "1.22", None, C + "66fd3a0b2c1d4e0015a1b2c3"),
            # Receive "from Coinbase Referral": income at the Subtotal
            (31, "2024-10-15 17:45:36", "income", None, None, "USDC", "10", None, None, "10.00", C + "670eaa40b8d4b189524db32e"),
            (32, "2024-11-12 08:31:17", "deposit", None, None, "BTC", "0.25", None, None, None, C + "6733125536ade6c2e4818283"),
            # BTC-USDC at 91800: sent 0.015 x 91800 = 1377 USDC, fee 1380.55 - 1377 = 3.55 USDC
            (33, "2024-11-14 19:02:40", "trade", "USDC", "1377", "BTC", "0.015", "USDC", "3.55", "1376.85", C + "6736495067e1e5a02da026ee"),
            # "Advance Trade Sell" on SOL-USD: the account fiat, so Subtotal and Fees
            (35, "2024-11-21 22:16:05", "trade", "SOL", "1.5", "USD", "357.15", "USD", "1.02", None, C + "673fb12505252d8d2c1026ba"),
            (36, "2024-12-09 14:58:22", "trade", "BTC", "0.05", "USD", "4865.00", "USD", "29.19", None, C + "6757058e92d9485d713f9404"),
            (37, "2024-12-10 09:30:00", "withdrawal", "USD", "4835.81", None, None, None, None, None, C + "67580a18c1ec15f9c77b874e"),
            (38, "2024-12-20 01:11:59", "income", None, None, "ETH", "0.00095", None, None, "3.31", C + "6764c45f4696bfb2a8cdec74"),
        ],
    )
    assert set(ledger.frame["wallet"]) == {"Coinbase"}


def test_sample_report_and_skips() -> None:
    ledger = load(SAMPLE)
    report = ledger.files[0]
    assert (report.importer, report.header_line, report.rows, report.kept) == ("coinbase", 4, 30, 30)
    assert report.skipped == {
        "internal move within Coinbase (Retail Staking Transfer)": 2,
        "internal move within Coinbase (Exchange Deposit)": 1,
        "internal move within Coinbase (Retail Unstaking Transfer)": 1,
    }


def test_sample_notes() -> None:
    notes = dict(load(SAMPLE).frame.select("line", "note").iter_rows())
    assert notes[11] == "Staking Income"
    assert notes[26] == "Advanced Trade Sell: Sold 0.5 ETH for 1743.35 USDC on ETH-USDC at 3502.1 USDC/ETH"


def test_overlapping_v4_exports_keep_one_row_per_id(tmp_path: Path) -> None:
    again = tmp_path / "coinbase_2024_again.csv"
    again.write_bytes(SAMPLE.read_bytes())
    ledger = load(SAMPLE, again)
    assert ledger.frame.height == 30
    assert ledger.files[1].duplicates == 30


# --- older versions --------------------------------------------------------------------------------------


def test_v1_eur_with_preamble_and_decimal_comma_notes() -> None:
    path = FIXTURES / "v1_eur.csv"
    ledger = load(path)
    assert errors(ledger) == []
    assert ledger.files[0].header_line == 8
    assert table(ledger) == expect(
        path,
        [
            # EUR account: cash side EUR, no usd_value
            (9, "2020-11-03 08:12:40", "trade", "EUR", "179.25", "BTC", "0.015", "EUR", "2.99", None, None),
            (10, "2020-12-01 00:00:00", "income", None, None, "XLM", "12.5", None, None, None, None),
            # "0,50000000 ETH" matches Quantity 0.5 only as a decimal comma, so "16,81234567 LINK" is 16.81234567
            (11, "2021-01-12 16:20:05", "trade", "ETH", "0.5", "LINK", "16.81234567", None, None, None, None),
            (12, "2021-02-02 09:45:00", "trade", "BTC", "0.005", "EUR", "137.50", "EUR", "2.05", None, None),
            (13, "2021-03-10 12:00:00", "withdrawal", "BTC", "0.01", None, None, None, None, None, None),
            (14, "2021-04-01 07:30:00", "income", None, None, "XTZ", "0.123456", None, None, None, None),
            (15, "2021-05-05 10:00:00", "deposit", None, None, "ETH", "0.25", None, None, None, None),
        ],
    )


def test_v2_usd_without_preamble() -> None:
    path = FIXTURES / "v2_usd_no_preamble.csv"
    ledger = load(path)
    assert errors(ledger) == []
    assert ledger.files[0].header_line == 1
    assert ledger.files[0].skipped == {"internal move within Coinbase (Pro Withdrawal)": 1}
    assert table(ledger) == expect(
        path,
        [
            # two identical rows (no ids) are two purchases
            (2, "2021-11-02 15:04:05", "trade", "USD", "2200.00", "ETH", "0.5", "USD", "32.87", None, None),
            (3, "2021-11-02 15:04:05", "trade", "USD", "2200.00", "ETH", "0.5", "USD", "32.87", None, None),
            # "to 1,000 USDC": thousands comma; value received = min(Subtotal 1000.00, Total 1012.00)
            (4, "2021-11-15 08:00:00", "trade", "ETH", "0.22", "USDC", "1000", None, None, "1000.00", None),
            # here the Total (492.60) is the smaller one
            (5, "2021-12-01 10:00:00", "trade", "USDC", "500", "BTC", "0.0085", None, None, "492.60", None),
            (6, "2021-12-05 09:30:00", "income", None, None, "XLM", "25.1234567", None, None, "7.29", None),
            (7, "2021-12-06 11:00:00", "deposit", None, None, "BTC", "0.05", None, None, None, None),
            # Fees 0.00: no fee
            (8, "2022-01-10 14:22:00", "withdrawal", "ETH", "0.3", None, None, None, None, None, None),
            (9, "2022-02-14 12:00:00", "trade", "BTC", "0.02", "USD", "850.00", "USD", "12.66", None, None),
            (10, "2022-03-01 00:00:00", "income", None, None, "XLM", "0.0123", None, None, "0", None),
            (11, "2022-04-02 04:00:00", "income", None, None, "GRT", "2.1", None, None, "0.99", None),
            (12, "2022-05-01 06:00:00", "income", None, None, "USDC", "1.234567", None, None, "1.23", None),
        ],
    )


def test_v2_overlapping_exports_dedupe_as_a_multiset(tmp_path: Path) -> None:
    path = FIXTURES / "v2_usd_no_preamble.csv"
    again = tmp_path / "again.csv"
    again.write_bytes(path.read_bytes())
    ledger = load(path, again)
    assert ledger.frame.height == 11
    assert ledger.files[1].duplicates == 11


def test_v3_gbp_crlf() -> None:
    path = FIXTURES / "v3_gbp_crlf.csv"
    ledger = load(path)
    assert errors(ledger) == []
    assert ledger.files[0].skipped == {"internal move within Coinbase (Vault Withdrawal)": 1}
    assert table(ledger) == expect(
        path,
        [
            (9, "2023-02-14 10:01:09", "trade", "GBP", "937.80", "ETH", "0.75", "GBP", "15.00", None, None),
            (10, "2023-03-02 18:30:00", "trade", "ADA", "150", "GBP", "43.50", "GBP", "0.26", None, None),
            (11, "2023-04-10 07:00:12", "trade", "ETH", "0.1", "USDC", "149.2", None, None, None, None),
            (12, "2023-05-05 00:00:00", "income", None, None, "ETH", "0.00042", None, None, None, None),
            # LINK-USDT in a GBP account: against USDT from the Notes, no rate so no fee, no usd_value
            (13, "2023-06-20 11:11:11", "trade", "USDT", "128.12", "LINK", "20", None, None, None, None),
            # a Send's GBP fee is not carried (only a USD account's)
            (14, "2023-07-01 09:00:00", "withdrawal", "ETH", "0.2", None, None, None, None, None, None),
            (15, "2023-08-15 10:30:00", "income", None, None, "AMP", "50", None, None, None, None),
            (17, "2023-10-01 00:00:00", "withdrawal", "GBP", "200", None, None, None, None, None, None),
        ],
    )


def test_v3b_with_bom() -> None:
    path = FIXTURES / "v3b_bom.csv"
    ledger = load(path)
    assert errors(ledger) == []
    assert table(ledger) == expect(
        path,
        [
            (2, "2024-01-05 10:00:00", "trade", "USDC", "903.6", "ETH", "0.4", None, None, "900.00", None),
            (3, "2024-01-20 10:00:00", "trade", "BTC", "0.01", "USD", "410.00", "USD", "1.64", None, None),
            (4, "2024-02-01 00:00:00", "income", None, None, "SOL", "0.0213", None, None, "2.09", None),
            (5, "2024-02-05 10:00:00", "deposit", None, None, "USD", "1000", None, None, None, None),
            (6, "2024-02-06 10:00:00", "spend", "BTC", "0.001", None, None, None, None, "42.50", None),
        ],
    )


def test_v3c_blank_and_repeated_header_lines() -> None:
    path = FIXTURES / "v3c_repeated_header.csv"
    ledger = load(path)
    assert errors(ledger) == []
    assert ledger.files[0].skipped == {"blank line": 1, "repeated header line": 1}
    assert table(ledger) == expect(
        path,
        [
            (2, "2024-03-01 12:00:00", "trade", "USD", "250.00", "SOL", "2", "USD", "3.73", None, None),
            (5, "2024-03-02 12:00:00", "trade", "SOL", "1", "USD", "130.00", "USD", "1.94", None, None),
        ],
    )


# --- v4 variants -----------------------------------------------------------------------------------------


def test_v4_semicolons_and_grouped_quantity() -> None:
    path = FIXTURES / "v4_semicolon.csv"
    ledger = load(path)
    assert errors(ledger) == []
    assert ledger.files[0].header_line == 3
    assert table(ledger) == expect(
        path,
        [
            (4, "2025-01-22 10:15:00", "trade", "USD", "1025.00", "BTC", "0.01", "USD", "15.38", None, C + "6790c5b4a1e2f3d4c5b6a798"),
            (5, "2025-01-23 02:00:00", "income", None, None, "ETH", "0.0009", None, None, "2.97", C + "6791a0c2b3d4e5f6a7b8c9d0"),
            # Quantity "-1,000"
            (6, "2025-01-24 16:30:45", "trade", "USDC", "1000", "ETH", "0.3", None, None, "993.00", C + "6792f1e0d9c8b7a6f5e4d3c2"),
        ],
    )


def test_v4_trailing_columns_eth2_and_rewards() -> None:
    path = FIXTURES / "v4_extra_columns.csv"
    ledger = load(path)
    assert errors(ledger) == []
    assert ledger.files[0].skipped == {"internal move within Coinbase (Retail Eth2 Deprecation)": 1}
    assert table(ledger) == expect(
        path,
        [
            (2, "2026-01-05 09:00:00", "withdrawal", "ETH", "0.5", None, None, None, None, None, C + "695b8a10c2d3e4f5a6b7c8d9"),
            (3, "2026-01-06 11:20:00", "deposit", None, None, "BTC", "0.1", None, None, None, C + "695c1f22d3e4f5a6b7c8d9e0"),
            (4, "2026-01-07 14:00:00", "trade", "USDC", "1500.5", "BTC", "0.015", None, None, "1480.00", C + "695d2e33e4f5a6b7c8d9e0f1"),
            (5, "2026-01-08 00:00:00", "income", None, None, "USDC", "0.52", None, None, "0.52", C + "695e3f44f5a6b7c8d9e0f1a2"),
            # ETH2 reads as ETH
            (7, "2026-01-10 00:00:00", "income", None, None, "ETH", "0.0001", None, None, "0.31", C + "69605166b7c8d9e0f1a2b3c4"),
            (8, "2026-01-11 08:00:00", "income", None, None, "ETH", "0.002", None, None, "6.00", C + "69616277c8d9e0f1a2b3c4d5"),
        ],
    )
    # a send's Recipient Address and a receive's Sender Address are the chain address transfer matching uses
    addresses = dict(ledger.frame.filter(ledger.frame["address"].is_not_null()).select("line", "address").iter_rows())
    assert addresses == {2: "0x9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d", 3: "bc1q4u7e0r3w8q2z6x5c9v1b3n7m4k8j2h6g0f5d9s"}


def test_v4_two_row_converts() -> None:
    path = FIXTURES / "v4_two_row_convert.csv"
    ledger = load(path)
    assert table(ledger) == expect(
        path,
        [
            # rows 5 and 6 share an ID: ETH out, USDC in; value received = the smallest of the four values
            (5, "2026-03-02 10:00:00", "trade", "ETH", "0.5", "USDC", "1488.75", None, None, "1488.75", C + "69a1b2c3d4e5f60718293a4b"),
            (7, "2026-03-03 11:00:00", "trade", "ETH", "0.1", "USDC", "297.5", None, None, "297.50", C + "69a2c3d4e5f60718293a4b5c"),
            # the incoming row comes first and the Notes are blank: the signs tell the direction
            (11, "2026-03-05 13:00:00", "trade", "USDC", "606", "SOL", "4", None, None, "600.00", C + "69a4e5f60718293a4b5c6d7e"),
        ],
    )
    assert errors(ledger) == [
        (str(path), 8, "convert 69a3d4e5f60718293a4b5c6d has 3 rows; expected one row with Notes or two rows (one out, one in)")
    ]


def test_v4_bad_rows() -> None:
    path = FIXTURES / "v4_bad_rows.csv"
    ledger = load(path)
    found = errors(ledger)
    unknown = found.pop(0)
    assert unknown[:2] == (str(path), 4)
    assert unknown[2].startswith("unknown transaction type 'Retail Simple Dust'; taxlots knows: Buy, Advanced Trade Buy, ")
    assert "Retail Staking Transfer" in unknown[2]
    assert found == [
        (str(path), 5, "transaction type 'Asset Migration' (a token migration) is not supported; record the change by hand"),
        (str(path), 6, "Quantity Transacted 'abc' is not a number"),
        (str(path), 7, "Timestamp '03/02/2025 12:00' is not a UTC date and time (2024-03-04 15:22:10 UTC)"),
        (str(path), 8, "Subtotal '$12.3.4' is not a number"),
        (str(path), 9, "Notes 'Converted ETH' do not say what was received (expected 'Converted <qty> <ASSET> to <qty> <ASSET>')"),
        (
            str(path),
            10,
            "Notes 'Bought 0.1 ETH on ETH-USDC' do not say how much USDC changed hands (expected '... for <amount> <ASSET> on <PAIR>')",
        ),
        (str(path), 11, "Transaction Type is blank"),
        (str(path), 12, "Price Currency is blank"),
    ]
    assert table(ledger) == expect(
        path, [(13, "2025-02-09 12:00:00", "trade", "USD", "280.00", "ETH", "0.1", "USD", "1.12", None, C + "67b0000000000000000000b0")]
    )
    assert ledger.files[0].errors == 9


# --- detection -------------------------------------------------------------------------------------------

HEADERS = {
    "v1-usd": "Timestamp,Transaction Type,Asset,Quantity Transacted,USD Spot Price at Transaction,USD Subtotal,"
    "USD Total (inclusive of fees),USD Fees,Notes",
    "v1-gbp": "Timestamp,Transaction Type,Asset,Quantity Transacted,GBP Spot Price at Transaction,GBP Subtotal,"
    "GBP Total (inclusive of fees),GBP Fees,Notes",
    "v1-cad": "Timestamp,Transaction Type,Asset,Quantity Transacted,CAD Spot Price at Transaction,CAD Subtotal,"
    "CAD Total (inclusive of fees),CAD Fees,Notes",
    "v2": "Timestamp,Transaction Type,Asset,Quantity Transacted,Spot Price Currency,Spot Price at Transaction,Subtotal,"
    "Total (inclusive of fees),Fees,Notes",
    "v3": "Timestamp,Transaction Type,Asset,Quantity Transacted,Spot Price Currency,Spot Price at Transaction,Subtotal,"
    "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes",
    "v3b": "Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,"
    "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes",
    "v3c": "Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,Total,"
    "Fees and/or Spread,Notes",
    "v4": "ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,"
    "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes",
    "v4+": "ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,"
    "Total (inclusive of fees and/or spread),Fees and/or Spread,Notes,Sender Address,Recipient Address",
}
PREAMBLES = {
    "none": "",
    "2024": "\nTransactions\nUser,Alex Example,7c1e2d3a\n",
    "2020": '"You can use this report."\n\n\n\nTransactions\nUser,A,1\n\n',
}


@pytest.mark.parametrize("preamble", PREAMBLES)
@pytest.mark.parametrize("version", HEADERS)
def test_every_header_version_is_recognized(tmp_path: Path, version: str, preamble: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(PREAMBLES[preamble] + HEADERS[version] + "\n", encoding="utf-8")
    found, diag = ingest.sniff(str(path), importers=(coinbase, coinbase_pro, generic))
    assert diag is None
    assert found is not None and found.importer is coinbase
    assert found.header_line == {"none": 1, "2024": 4, "2020": 8}[preamble]


def test_v1_money_columns_follow_the_header_currency(tmp_path: Path) -> None:
    path = tmp_path / "cad.csv"
    path.write_text(HEADERS["v1-cad"] + "\n2021-06-01T00:00:00Z,Buy,BTC,0.01,45000.00,450.00,457.00,7.00,Bought\n", encoding="utf-8")
    assert table(load(path)) == expect(
        path, [(2, "2021-06-01 00:00:00", "trade", "CAD", "450.00", "BTC", "0.01", "CAD", "7.00", None, None)]
    )


@pytest.mark.parametrize("path", [SAMPLE, *sorted(p for p in FIXTURES.glob("v*.csv"))], ids=lambda p: p.name)
def test_only_coinbase_claims_its_files(path: Path) -> None:
    found, diag = ingest.sniff(str(path), importers=(coinbase, coinbase_pro, generic))
    assert diag is None and found is not None
    assert found.importer is coinbase


def test_pre_2020_header_with_only_local_currency_subtotal() -> None:
    # No Total/Fees/Notes columns: the CAD Subtotal is the cash side and no fee is read; CAD is an asset
    # that needs a USD price later (never read as USD), so usd_value is blank.
    path = FIXTURES / "v1_cad_subtotal_only.csv"
    assert table(load(path)) == expect(
        path,
        [
            (2, "2018-02-10 15:00:00", "trade", "CAD", "220.00", "BTC", "0.02", None, None, None, None),
            (3, "2018-03-01 09:30:00", "trade", "ETH", "0.5", "CAD", "550.00", None, None, None, None),
            (4, "2018-04-01 00:00:00", "withdrawal", "BTC", "0.01", None, None, None, None, None, None),
        ],
    )


def test_2019_us_tax_transactions_report() -> None:
    # Header on line 6 under a preamble; US dates (10/06/2015 = 6 Oct 2015), read as UTC midnight. The one
    # money column includes Coinbase's fee, which is not stated: it is the cash side, and no fee is read.
    path = FIXTURES / "tax_report_2019.csv"
    ledger = load(path)
    assert [d.render() for d in ledger.diagnostics if d.severity == "error"] == []
    assert table(ledger) == expect(
        path,
        [
            (6, "2015-10-06 00:00:00", "trade", "USD", "125.00", "BTC", "0.5", None, None, None, None),
            (7, "2017-03-15 00:00:00", "trade", "BTC", "0.2", "USD", "248.50", None, None, None, None),
            (8, "2018-06-01 00:00:00", "withdrawal", "BTC", "0.1", None, None, None, None, None, None),
            (9, "2019-07-04 00:00:00", "deposit", None, None, "ETH", "1.5", None, None, None, None),
            (10, "2019-11-20 00:00:00", "income", None, None, "XLM", "25.0", None, None, "1.50", None),
        ],
    )
    # the chain address of a send or receive is kept for transfer matching
    addresses = dict(ledger.frame.select("line", "address").iter_rows())
    assert addresses == {
        6: None,
        7: None,
        8: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        9: "0x00000000219ab540356cbb839cbe05303d7705fa",
        10: None,
    }


@pytest.mark.parametrize("name", ["v1_cad_subtotal_only.csv", "tax_report_2019.csv"])
def test_legacy_headers_are_claimed_by_coinbase_alone(name: str) -> None:
    from taxlots.importers import IMPORTERS

    found, diag = ingest.sniff(str(FIXTURES / name), importers=IMPORTERS)
    assert diag is None and found is not None and found.importer is coinbase
