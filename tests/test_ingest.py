"""Reading files into the ledger: the generic format, detection, ordering, overlaps, skips and provenance."""

from __future__ import annotations

from decimal import Decimal
from hashlib import blake2b
from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.model.diagnostics import Code, Severity
from taxlots.model.ledger import Kind

HEADER = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note"
BUY = "2024-01-02T03:04:05Z,Kraken,trade,USD,1000,BTC,0.02,USD,1.5,,,,buy"
SELL = "2024-01-03T00:00:00+02:00,Kraken,trade,btc,0.01,USD,600,,,,,S1,sell"


def content_id(line: str, k: int = 1) -> str:
    """The documented content id of a generic ledger line (written plainly: every column but id, blank = NUL)."""
    cells = line.split(",")
    content = [c if c or i == 12 else "\x00" for i, c in enumerate(cells) if i != 11]  # a blank note is "", not absent
    return f"row-{blake2b(chr(0x1F).join(content).encode(), digest_size=8).hexdigest()}-{k}"


def write(tmp_path: Path, name: str, *lines: str, newline: str = "\n", bom: bool = False) -> str:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + newline.join(lines).encode() + newline.encode())
    return str(path)


def test_generic_rows_keep_their_source(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", HEADER, BUY, SELL)
    led = ingest.load([path])
    assert led.diagnostics == []
    buy, sell = led.rows()
    assert (buy.seq, buy.kind, buy.sent_asset, buy.sent_qty, buy.received_qty, buy.fee_qty) == (
        0,
        Kind.TRADE,
        "USD",
        Decimal(1000),
        Decimal("0.02"),
        Decimal("1.5"),
    )
    # an id-less row gets the hash of its content; assets are upper-cased and quantities kept as written first
    assert (buy.id, buy.source.file, buy.source.line, buy.note) == (content_id(BUY), path, 2, "buy")
    assert (sell.id, sell.sent_asset, sell.timestamp.isoformat()) == ("S1", "BTC", "2024-01-02T22:00:00+00:00")
    assert [(f.importer, f.rows, f.kept) for f in led.files] == [("generic", 2, 2)]


def test_bom_crlf_and_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", HEADER, BUY, "", SELL, newline="\r\n", bom=True)
    led = ingest.load([path])
    assert [r.source.line for r in led.rows()] == [2, 4]
    assert led.files[0].skipped == {"blank line": 1}
    assert [(d.code, d.severity) for d in led.diagnostics] == [(Code.SKIPPED_ROWS, Severity.INFO)]


def test_ties_in_time_keep_input_file_order(tmp_path: Path) -> None:
    same = "2024-01-02T03:04:05Z,{w},trade,USD,1,BTC,1,,,,,{i},"
    a = write(tmp_path, "a.csv", HEADER, same.format(w="A", i="a1"), same.format(w="A", i="a2"))
    b = write(tmp_path, "b.csv", HEADER, same.format(w="B", i="b1"))
    assert [r.id for r in ingest.load([b, a]).rows()] == ["b1", "a1", "a2"]
    assert [r.id for r in ingest.load([a, b]).rows()] == ["a1", "a2", "b1"]


def test_overlapping_exports_are_read_once(tmp_path: Path) -> None:
    # rows with ids are kept once per id; rows without are a multiset: the most copies seen in one file win
    a = write(tmp_path, "a.csv", HEADER, BUY, BUY, SELL)
    b = write(tmp_path, "b.csv", HEADER, BUY, SELL, "2024-02-01T00:00:00Z,Kraken,trade,USD,5,ETH,1,,,,,,")
    led = ingest.load([a, b])
    assert [(r.source.file, r.source.line) for r in led.rows()] == [(a, 2), (a, 3), (a, 4), (b, 4)]
    assert [(f.duplicates, f.kept) for f in led.files] == [(0, 3), (2, 1)]
    assert [d.message for d in led.diagnostics if d.code is Code.DUPLICATES_DROPPED] == [
        "dropped 2 row(s) already read from another file or line"
    ]
    assert [r.id for r in ingest.load([a, a]).rows()] == [content_id(BUY, 1), content_id(BUY, 2), "S1"]


def test_an_id_reused_for_a_different_row_is_an_error(tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", HEADER, SELL, SELL.replace("0.01", "0.02"))
    led = ingest.load([a])
    errors = [(d.source.line if d.source else 0, d.message) for d in led.diagnostics if d.severity is Severity.ERROR]
    assert errors == [(3, f"id 'S1' is also used at {a}:2 for a different row")]


def test_repeated_header_inside_a_file_is_skipped_and_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", HEADER, BUY, HEADER, SELL)
    led = ingest.load([path])
    assert led.frame.height == 2
    assert led.files[0].skipped == {"repeated header line": 1}


def test_transfer_received_side_defaults_to_what_was_sent(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "l.csv",
        HEADER,
        "2024-01-01T00:00:00Z,A,transfer,ETH,2,,,,,,B,T1,",
        "2024-01-02T00:00:00Z,A,transfer,ETH,2,,1.9,,,10,B,T2,",
    )
    t1, t2 = ingest.load([path]).rows()
    assert (t1.received_asset, t1.received_qty, t2.received_asset, t2.received_qty) == ("ETH", Decimal(2), "ETH", Decimal("1.9"))


def test_file_report_describes_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", HEADER, BUY, SELL, "2024-03-01T00:00:00Z,Ledger,transfer,BTC,0.01,,,,,,Kraken,T9,")
    (report,) = ingest.load([path]).files
    assert (report.importer, report.header_line, report.rows, report.kept, report.errors) == ("generic", 1, 3, 3, 0)
    assert (report.first.isoformat() if report.first else "", report.assets, report.wallets) == (
        "2024-01-02T03:04:05+00:00",
        ("BTC", "USD"),
        ("Kraken", "Ledger"),
    )


def test_identical_fills_in_one_file_stay_two_rows_and_three_overlapping_files_keep_the_most_copies(tmp_path: Path) -> None:
    fill = "2024-05-01T00:00:00Z,Binance,trade,USDT,10,BTC,0.0001,,,,,,"
    other = "2024-05-02T00:00:00Z,Binance,trade,USDT,20,BTC,0.0002,,,,,,"
    a = write(tmp_path, "a.csv", HEADER, fill, fill)  # 2 copies
    b = write(tmp_path, "b.csv", HEADER, fill, other)  # 1 copy, plus a row only b has
    c = write(tmp_path, "c.csv", HEADER, fill, fill, fill)  # 3 copies: the third is new
    led = ingest.load([a, b, c])
    # kept: a's two copies, b's other row, c's third copy; dropped: b's copy (a had one), c's first two
    assert [(r.source.file, r.source.line) for r in led.rows()] == [(a, 2), (a, 3), (c, 4), (b, 3)]
    assert [(f.kept, f.duplicates) for f in led.files] == [(2, 0), (1, 1), (1, 2)]
    assert [r.id for r in led.rows()] == [content_id(fill, 1), content_id(fill, 2), content_id(fill, 3), content_id(other, 1)]


RULES = [
    ("2024-01-01T00:00:00Z,K,trade,USD,10,BTC,-1,,,,,X,", "received_qty '-1' is negative"),
    ("2024-01-01T00:00:00Z,K,trade,USD,10,BTC,1,USD,-0.5,,,X,", "fee_qty '-0.5' is negative"),
    ("2024-01-01T00:00:00Z,K,deposit,,,BTC,1,,,-100,,X,", "usd_value '-100' is negative"),
    ("2024-01-01T00:00:00Z,K,trade,USD,0,BTC,1,,,,,X,", "sent_qty is zero"),
    ("2024-01-01T00:00:00Z,K,trade,USD,10,BTC,0.000,,,,,X,", "received_qty is zero"),
    ("2024-01-01T00:00:00Z,K,transfer,BTC,1,,,,,,K,X,", "a transfer's to_wallet is its wallet"),
    ("2024-01-01T00:00:00Z,K,transfer,BTC,1,BTC,1.5,,,,L,X,", "a transfer receives more (1.5) than it sends (1)"),
    ("2024-01-01T00:00:00Z,K,transfer,BTC,1,ETH,1,,,,L,X,", "a transfer receives the asset it sends"),
    ("2024-01-01T00:00:00Z,K,trade,USD,10,BTC,123456789012345678901,,,,,X,", "received_qty '123456789012345678901' is out of range"),
]


@pytest.mark.parametrize(("line", "message"), RULES)
def test_ledger_rules_reject_impossible_rows(tmp_path: Path, line: str, message: str) -> None:
    led = ingest.load([write(tmp_path, "l.csv", HEADER, line)])
    assert led.frame.height == 0
    assert [(d.code, d.source.line if d.source else 0) for d in led.diagnostics] == [(Code.BAD_ROW, 2)]
    assert message in led.diagnostics[0].message


def test_a_transfer_receiving_less_than_it_sends_is_fine(tmp_path: Path) -> None:
    led = ingest.load([write(tmp_path, "l.csv", HEADER, "2024-01-01T00:00:00Z,K,transfer,BTC,1,BTC,0.9995,,,,L,X,")])
    assert led.diagnostics == [] and led.frame["received_qty"].to_list() == ["0.9995"]


def test_a_header_sharing_common_names_is_an_unknown_format_not_a_broken_export(tmp_path: Path) -> None:
    other = write(tmp_path, "bank.csv", "Date,Amount,Currency,Description", "2024-01-01,5,EUR,coffee")
    sn, diag = ingest.sniff(other)
    assert sn is None and diag is not None
    assert (diag.code, diag.message) == (Code.UNKNOWN_FORMAT, "not a format taxlots knows; first line: 'Date,Amount,Currency,Description'")
    koinly = write(tmp_path, "k.csv", "Koinly Date,Amount,Note", "2024-01-01,5,x")
    _, near = ingest.sniff(koinly)
    assert near is not None and near.message == "header looks like Koinly simple CSV template but lacks column(s): currency"


def test_load_tells_on_file_before_each_file_with_its_index_and_the_count(tmp_path: Path) -> None:
    head = "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note\n"
    names = []
    for n in range(3):
        path = tmp_path / f"l{n}.csv"
        path.write_text(head + f"2024-01-0{n + 1}T00:00:00Z,A,trade,USD,100,BTC,1,,,,,B{n},\n")
        names.append(str(path))
    told: list[tuple[int, int, str]] = []
    ledger = ingest.load(names, on_file=lambda i, total, path: told.append((i, total, path)))
    assert told == [(0, 3, names[0]), (1, 3, names[1]), (2, 3, names[2])]
    assert ledger.frame.height == 3
