"""Uphold transaction history: the sample, the fee convention, dates, skips and bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from taxlots import ingest
from taxlots.importers import uphold
from tests.importers._rows import line_errors, sides_table, write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "uphold_2024.csv"
HEADER = (
    "Date,Destination,Destination Amount,Destination Currency,Fee Amount,Fee Currency,Id,Origin,Origin Amount,Origin Currency,Status,Type\n"
)
WHEN = "Mon Jan 01 2024 12:00:00 GMT+0000"


def load(path: Path) -> ingest.Ledger:
    return ingest.load([str(path)], importers=(uphold,))


def write(tmp_path: Path, *rows: str) -> Path:
    return write_csv(tmp_path / "uphold.csv", HEADER, *rows)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    """``(line, time, type, sent, received, fee, id suffix, note)``; sides ``(asset, Decimal)``."""
    return sides_table(ledger, lambda r: (r["id"][-4:], r["note"]), wallet="Uphold")


errors = line_errors


def ts(*p: int) -> datetime:
    return datetime(*p, tzinfo=UTC)  # type: ignore[arg-type]


def test_sample_rows() -> None:
    ledger = load(SAMPLE)
    swap, bank, card = "transfer from uphold to uphold", "out from uphold to bank", "in from credit-card to uphold"
    assert table(ledger) == [
        # USD 1000 -> USDC 998.50 with a 1.5 USDC fee taken from the destination: received 998.50 + 1.5 = 1000.
        (2, ts(2024, 6, 12, 14, 44, 44), "trade", ("USD", D("1000")), ("USDC", D("1000")), ("USDC", D("1.5")), "8bb8", swap),
        # line 3: status processing (skipped)
        (4, ts(2024, 5, 15, 12, 0, 0), "trade", ("ETH", D("0.05")), ("USD", D("151.20")), None, "db16", swap),
        # line 5: status failed (skipped)
        # BTC sold straight to the bank: 421.50 credited + 8.60 fee = 430.10 received, then the fee.
        (6, ts(2024, 4, 8, 16, 20, 0), "trade", ("BTC", D("0.01")), ("USD", D("430.10")), ("USD", D("8.60")), "8951", bank),
        # Origin 0.105 ETH debited = 0.1 sent + 0.005 fee.
        (7, ts(2024, 3, 20, 7, 55, 21), "withdrawal", ("ETH", D("0.1")), None, ("ETH", D("0.005")), "c11b", "out from uphold to ethereum"),
        # 100.1 XRP debited = 100 + 0.1.
        (8, ts(2024, 3, 3, 13, 13, 13), "withdrawal", ("XRP", D("100")), None, ("XRP", D("0.1")), "ddf1", "out from uphold to xrp-ledger"),
        (9, ts(2024, 2, 14, 22, 1, 33), "deposit", None, ("BTC", D("0.05")), None, "4e54", "in from bitcoin to uphold"),
        (10, ts(2024, 2, 10, 10, 36, 45), "deposit", None, ("BAT", D("2.285")), None, "099f", "in from uphold to uphold"),
        # line 11: USD card to USD card (skipped)
        # 150.25 XRP credited + 2.1035 XRP fee = 152.3535 received.
        (12, ts(2024, 1, 19, 11, 45, 0), "trade", ("BTC", D("0.002")), ("XRP", D("152.3535")), ("XRP", D("2.1035")), "2bcf", swap),
        # 400 USD debited = 394.40 for the ETH + 5.60 fee.
        (13, ts(2024, 1, 5, 18, 12, 9), "trade", ("USD", D("394.40")), ("ETH", D("0.17234")), ("USD", D("5.60")), "4812", swap),
        # A card purchase: 250 - 9.98 = 240.02.
        (14, ts(2024, 1, 3, 9, 30, 45), "trade", ("USD", D("240.02")), ("BTC", D("0.00591")), ("USD", D("9.98")), "5a04", card),
        (15, ts(2024, 1, 2, 15, 4, 11), "deposit", None, ("USD", D("500")), None, "e8b5", "in from bank to uphold"),
    ]  # fmt: skip
    assert ledger.files[0].skipped == {
        "status 'failed' (only completed transactions moved value)": 1,
        "status 'processing' (only completed transactions moved value)": 1,
        "transfer between the account's own cards": 1,
    }
    assert errors(ledger) == []


def _net(r: dict[str, Any], asset: str) -> D:
    """What the wallet gained of ``asset``: received - sent - fee (taxlots' fee is on top of the sent side)."""
    total = D(0)
    if r["received_asset"] == asset:
        total += D(r["received_qty"])
    if r["sent_asset"] == asset:
        total -= D(r["sent_qty"])
    if r["fee_asset"] == asset:
        total -= D(r["fee_qty"])
    return total


def test_fee_convention_keeps_the_exports_flows(tmp_path: Path) -> None:
    """Uphold's API ("Transactions", origin/destination objects): ``origin.amount`` is what was debited, fee
    included when the fee targets the origin; ``destination.amount`` what was credited, net of a fee that
    targets the destination. So the wallet moves by exactly -Origin Amount and +Destination Amount."""
    rows = [
        f"{WHEN},uphold,0.01,BTC,2.5,USD,a1,uphold,500,USD,completed,transfer",  # fee in the origin currency
        f"{WHEN},uphold,990,USDC,10,USDC,a2,uphold,1000,USD,completed,transfer",  # fee in the destination currency
        f"{WHEN},bitcoin,0.0497,BTC,0.0003,BTC,a3,uphold,0.05,BTC,completed,out",
        f"{WHEN},uphold,0.0199,BTC,0.0001,BTC,a4,bitcoin,0.02,BTC,completed,in",
    ]
    ledger = load(write(tmp_path, *rows))
    by_id = {r["id"]: r for r in ledger.frame.iter_rows(named=True)}
    # (origin currency, -Origin Amount, destination currency, +Destination Amount), from the rows above
    expected = {"a1": ("USD", "-500", "BTC", "0.01"), "a2": ("USD", "-1000", "USDC", "990"), "a3": ("BTC", "-0.05", None, None)}
    for key, (o_asset, o_net, d_asset, d_net) in expected.items():
        r = by_id[f"uphold:{key}"]
        assert _net(r, o_asset) == D(o_net)
        if d_asset:
            assert _net(r, d_asset) == D(d_net)
    # a deposit: credited 0.0199 net; the 0.0001 fee is on top of a 0.02 gross receipt
    assert (by_id["uphold:a4"]["received_qty"], by_id["uphold:a4"]["fee_qty"]) == ("0.02", "0.0001")
    assert _net(by_id["uphold:a4"], "BTC") == D("0.0199")
    assert (by_id["uphold:a1"]["sent_qty"], by_id["uphold:a1"]["fee_asset"]) == ("497.5", "USD")  # 500 - 2.5


def test_dates_in_other_forms(tmp_path: Path) -> None:
    rows = [
        "Fri Apr 09 2021 23:58:41 GMT+0000 (Coordinated Universal Time),uphold,21.375,BAT,,,b1,uphold,21.375,BAT,completed,in",
        "Fri Apr 09 2021 23:58:41 GMT+0200,uphold,1,BAT,,,b2,uphold,1,BAT,completed,in",  # 21:58:41 UTC
        "2021-04-09T23:58:41.000Z,uphold,2,BAT,,,b3,uphold,2,BAT,completed,in",
    ]
    frame = load(write(tmp_path, *rows)).frame.sort("line")
    assert frame.get_column("timestamp").to_list() == [ts(2021, 4, 9, 23, 58, 41), ts(2021, 4, 9, 21, 58, 41), ts(2021, 4, 9, 23, 58, 41)]


def test_bad_rows_name_the_line(tmp_path: Path) -> None:
    rows = [
        f"{WHEN},uphold,1,BTC,,,c1,uphold,1,BTC,completed,reward",
        "yesterday,uphold,1,BTC,,,c2,bitcoin,1,BTC,completed,in",
        f"{WHEN},uphold,1.x,BTC,,,c3,bitcoin,1,BTC,completed,in",
        f"{WHEN},uphold,-1,BTC,,,c4,bitcoin,-1,BTC,completed,in",
        f"{WHEN},uphold,1,BTC,0.1,,c5,uphold,50,USD,completed,transfer",
        f"{WHEN},uphold,1,BTC,0.1,EUR,c6,uphold,50,USD,completed,transfer",
        f"{WHEN},uphold,1,BTC,,,c7,uphold,1,BTC,failed,reward",  # an error, even though it failed: unknown is unknown
    ]
    ledger = load(write(tmp_path, *rows))
    assert errors(ledger) == [
        (2, "unknown Type 'reward'; taxlots knows: in, out, transfer"),
        (3, "Date 'yesterday' is not a date like 'Mon Sep 01 2025 19:27:17 GMT+0000'"),
        (4, "Destination Amount '1.x' is not a number"),
        (5, "Origin Amount '-1' is negative; Destination Amount '-1' is negative"),
        (6, "Fee Amount is given but Fee Currency is blank"),
        (7, "Fee Currency 'EUR' is neither the origin nor the destination currency"),
        (8, "unknown Type 'reward'; taxlots knows: in, out, transfer"),
    ]
    assert ledger.frame.height == 0


def test_rotki_fixture_rows(tmp_path: Path) -> None:
    """Rows of rotki's uphold-transaction-history.csv: ``out`` to another currency's network is a trade
    (with the fee in the origin currency), ``out`` in one currency with no Destination a withdrawal."""
    rows = [
        "Tue May 26 2020 18:06:28 GMT+0000,xrp-ledger,314.642101,XRP,0.0000021,BTC,r1,uphold,0.00714216,BTC,completed,out",
        "Wed May 13 2020 13:30:04 GMT+0000,,24.65,GBP,,,r2,uphold,24.65,GBP,completed,out",
        "Tue Feb 11 2020 13:13:57 GMT+0000,uphold,0.00331961,BTC,,,r3,credit-card,25,GBP,completed,in",
    ]
    frame = load(write(tmp_path, *rows)).frame.sort("line")
    assert frame.select("type", "sent_asset", "sent_qty", "received_asset", "received_qty", "fee_asset", "fee_qty").rows() == [
        # 0.00714216 BTC debited = 0.0071400600 for the XRP + 0.0000021 fee
        ("trade", "BTC", "0.00714006", "XRP", "314.642101", "BTC", "0.0000021"),
        ("withdrawal", "GBP", "24.65", None, None, None, None),
        ("trade", "GBP", "25", "BTC", "0.00331961", None, None),
    ]
