"""Etherscan address exports: the three samples, the gas-fee convention, the wallet address, ids and bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from taxlots import ingest, pairing
from taxlots.importers import IMPORTERS, etherscan, matches, normalize_header
from taxlots.model.diagnostics import Code, Severity

ROOT = Path(__file__).resolve().parents[2] / "samples"
TXNS, INTERNAL, TOKENS = ROOT / "etherscan_2024.csv", ROOT / "etherscan_internal_2024.csv", ROOT / "etherscan_tokens_2024.csv"
# The addresses of the samples (synthetic).
ME = "0x7a1c3e5f9b2d4c6e8a0b1c2d3e4f5a6b7c8d9e0f"
COINBASE = "0x9348f51ea935d992818699d9a91c22b09431b8dc"
ROUTER = "0xb06c2eb8d56cee1f86bc304b1e36d888dbfa36ff"
KRAKEN = "0x773ff50f03fbf5fb71ca6c8a0aab2e90b9ce0dfe"
FRIEND = "0xa4fbd32cb38b1fae6fa49e1888dc578a8cab0ec6"
WETH = "0x6a2507a6a91bc0258236ff0ef6d1324688ff1e08"
USDC = "0x1737ef3967aba4c5c86c618f3a168b0f4d82f83f"
LINK = "0xe5fe60c5e1b7b8cf8594845d48b96c4bc12b2dc8"
OTHER = "0x1111111111111111111111111111111111111111"

TXNS_HEADER = (
    '"Transaction Hash","Blockno","UnixTimestamp","DateTime (UTC)","From","To","ContractAddress","Value_IN(ETH)","Value_OUT(ETH)",'
    '"CurrentValue @ $3412.55/Eth","TxnFee(ETH)","TxnFee(USD)","Historical $Price/Eth","Status","ErrCode","Method"\n'
)
INTERNAL_HEADER = (
    '"Transaction Hash","Blockno","UnixTimestamp","DateTime (UTC)","ParentTxFrom","ParentTxTo","ParentTxETH_Value","From","TxTo",'
    '"ContractAddress","Value_IN(ETH)","Value_OUT(ETH)","CurrentValue @ $3412.55/Eth","Historical $Price/Eth","Status","ErrCode","Type"\n'
)
TOKENS_HEADER = (
    '"Transaction Hash","Blockno","UnixTimestamp","DateTime (UTC)","From","To","TokenValue","USDValueDayOfTx","ContractAddress",'
    '"TokenName","TokenSymbol"\n'
)
HASH = "0x" + "ab" * 32


def load(*paths: Path) -> ingest.Ledger:
    return ingest.load([str(p) for p in paths], importers=(etherscan,))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def dec(s: str | None) -> D | None:
    return None if s is None else D(s)


def table(ledger: ingest.Ledger) -> list[tuple[Any, ...]]:
    """``(line, time, type, sent, received, fee, usd_value, tx hash prefix, address, note)``; sides as ``(asset, qty)``."""

    def side(r: dict[str, Any], name: str) -> tuple[str, D] | None:
        qty = dec(r[f"{name}_qty"])
        return None if qty is None else (r[f"{name}_asset"], qty)

    out = []
    for r in ledger.frame.sort("line").iter_rows(named=True):
        assert r["wallet"] == ME
        assert r["tx_hash"] is None or len(r["tx_hash"]) == 66
        out.append(
            (
                r["line"],
                r["timestamp"],
                r["type"],
                side(r, "sent"),
                side(r, "received"),
                side(r, "fee"),
                dec(r["usd_value"]),
                r["tx_hash"][:10],
                r["address"],
                r["note"],
            )  # fmt: skip
        )
    return out


def errors(ledger: ingest.Ledger) -> list[tuple[int, str]]:
    return sorted((d.source.line, d.message) for d in ledger.diagnostics if d.severity == Severity.ERROR and d.source)


def ts(y: int, mo: int, d: int, h: int, mi: int, s: int) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def test_transactions_sample() -> None:
    ledger = load(TXNS)
    eth = "ETH"
    assert table(ledger) == [
        # Incoming: a deposit; its TxnFee (0.000672130812) was the sender's, so no fee here.
        (2, ts(2024, 1, 8, 14, 22, 11), "deposit", None, (eth, D("2.5")), None, None, "0x709b55bd", COINBASE, "Transfer"),
        # Zero-value call (approve): the gas alone, valued 0.00214185 x 2301.66 = 4.9298104710.
        (3, ts(2024, 1, 9, 8, 3, 47), "fee", (eth, D("0.00214185")), None, None, D("4.929810471"), "0x27ca64c0", None, "Approve"),
        # Value out: a withdrawal with the gas as its fee.
        (4, ts(2024, 1, 9, 8, 6, 35), "withdrawal", (eth, D("0.5")), None, (eth, D("0.00521743")), None, "0x1f3cb18e", ROUTER, "Execute"),
        # 0.00461 x 2519.80 = 11.616278
        (
            5,
            ts(2024, 1, 17, 9, 12, 30),
            "fee",
            (eth, D("0.00461")),
            None,
            None,
            D("11.616278"),
            "0x8a0dbd63",
            None,
            "Swap Exact Tokens For ETH",
        ),
        (6, ts(2024, 1, 27, 19, 41, 3), "withdrawal", (eth, D("1")), None, (eth, D("0.000441")), None, "0x41b637cf", KRAKEN, "Transfer"),
        # 0.00098 x 2478.33 = 2.4287634
        (7, ts(2024, 2, 9, 17, 55, 2), "fee", (eth, D("0.00098")), None, None, D("2.4287634"), "0xc68a3059", None, "Withdraw"),
        # Failed with Value_OUT 0.2: the value never left, the gas did. 0.00312 x 2782.05 = 8.679996
        (
            8,
            ts(2024, 2, 18, 11, 15, 59),
            "fee",
            (eth, D("0.00312")),
            None,
            None,
            D("8.679996"),
            "0xa8c0cce8",
            None,
            "Execute; failed (execution reverted)",
        ),  # fmt: skip
        # line 9: a zero-value call from another address (skipped)
        # 0.00388 x 4118.60 = 15.980168 (the gas of the USDC transfer in the token export)
        (10, ts(2024, 3, 11, 16, 27, 40), "fee", (eth, D("0.00388")), None, None, D("15.980168"), "0x281b9dba", None, "Transfer"),
        # 0.00203 x 4101.10 = 8.325233
        (11, ts(2024, 3, 11, 19, 2, 14), "fee", (eth, D("0.00203")), None, None, D("8.325233"), "0xae4bfa5d", None, "Multicall"),
        (12, ts(2024, 3, 24, 10, 10, 10), "deposit", None, (eth, D("0.75")), None, None, "0xdf743dd1", FRIEND, "Transfer"),
        # line 13: another address's failed transaction to this one (skipped)
        # Sent to itself: only the gas leaves. 0.000399 x 3030.75 = 1.20926925
        (
            14,
            ts(2024, 4, 13, 21, 5, 33),
            "fee",
            (eth, D("0.000399")),
            None,
            None,
            D("1.20926925"),
            "0x3ebc2bd1",
            None,
            "Transfer; sent to itself",
        ),
        # 0.00077 x 3150.00 = 2.4255
        (15, ts(2024, 4, 21, 12, 0, 45), "fee", (eth, D("0.00077")), None, None, D("2.4255"), "0xf922ef5d", None, "Transfer"),
        (
            16,
            ts(2024, 5, 7, 13, 31, 8),
            "withdrawal",
            (eth, D("0.3")),
            None,
            (eth, D("0.000144")),
            None,
            "0x9789f4e2",
            COINBASE,
            "Transfer",
        ),
    ]
    assert ledger.files[0].skipped == {
        "zero-value transaction from another address (it paid the gas)": 1,
        "failed transaction sent by another address (nothing arrived)": 1,
    }
    assert errors(ledger) == []


def test_internal_sample() -> None:
    ledger = load(INTERNAL)
    assert table(ledger) == [
        (2, ts(2024, 1, 17, 9, 12, 30), "deposit", None, ("ETH", D("1.184562")), None, None, "0x8a0dbd63", ROUTER, "internal; call"),
        (3, ts(2024, 2, 9, 17, 55, 2), "deposit", None, ("ETH", D("0.4")), None, None, "0xc68a3059", WETH, "internal; call"),
    ]
    assert ledger.files[0].skipped == {"reverted internal transaction (nothing moved)": 1, "zero-value internal transaction": 1}


def test_tokens_sample() -> None:
    ledger = load(TOKENS)
    usdc, link = f"USD Coin; {USDC}", f"ChainLink Token; {LINK}"
    assert table(ledger) == [
        # "1,148.902311": thousands commas dropped
        (2, ts(2024, 1, 9, 8, 6, 35), "deposit", None, ("USDC", D("1148.902311")), None, None, "0x1f3cb18e", ROUTER, usdc),
        (3, ts(2024, 1, 17, 9, 12, 30), "withdrawal", ("USDC", D("3000")), None, None, None, "0x8a0dbd63", ROUTER, usdc),
        (4, ts(2024, 1, 20, 22, 40, 18), "deposit", None, ("USDC", D("5000")), None, None, "0x5f2c8200", COINBASE, usdc),
        (5, ts(2024, 3, 11, 16, 27, 40), "withdrawal", ("USDC", D("1500.5")), None, None, None, "0x281b9dba", KRAKEN, usdc),
        # line 6: a zero-value "USDC" transfer from a look-alike contract (skipped)
        (7, ts(2024, 3, 31, 7, 7, 7), "deposit", None, ("LINK", D("42.75")), None, None, "0x3efe9591", FRIEND, link),
        (8, ts(2024, 4, 21, 12, 0, 45), "withdrawal", ("LINK", D("20")), None, None, None, "0xf922ef5d", COINBASE, link),
    ]
    assert ledger.files[0].skipped == {"zero-value token transfer (often address-poisoning spam)": 1}


def test_gas_is_paid_by_the_sender_in_the_native_asset(tmp_path: Path) -> None:
    """The sender of a transaction pays its gas (gasUsed x gas price, in ether: Ethereum yellow paper §6, and
    Etherscan's "Transaction Fee" field); TxnFee(ETH) appears on incoming rows too, but the receiver paid none.
    A token transfer's gas is on the transaction row, not on the token row."""
    me, rows = "0x" + "c" * 40, []
    rows.append(f'"{HASH}","1","1704067200","","{OTHER}","{me}","","1.5","0","0","0.002","5","2500","","",""\n')  # in
    rows.append(f'"0x{"cd" * 32}","2","1704067260","","{me}","{OTHER}","","0","1.5","0","0.003","7.5","2500","","",""\n')  # out
    path = write(tmp_path, f"export-{me}.csv", TXNS_HEADER + "".join(rows))
    frame = load(path).frame.sort("line")
    assert frame.select("type", "received_qty", "sent_qty", "fee_asset", "fee_qty").rows() == [
        ("deposit", "1.5", None, None, None),  # not 0.002: the other address paid it
        ("withdrawal", None, "1.5", "ETH", "0.003"),  # the value and, on top, the gas
    ]
    tokens = write(
        tmp_path,
        f"tokens-{me}.csv",
        TOKENS_HEADER + f'"{HASH}","1","1704067200","","{me}","{OTHER}","10","10","{USDC}","USD Coin","USDC"\n',
    )
    assert load(tokens).frame.select("type", "sent_asset", "sent_qty", "fee_qty").rows() == [("withdrawal", "USDC", "10", None)]


def test_wallet_from_the_file_name_lower_cased(tmp_path: Path) -> None:
    """One row involves both addresses, so only the file name tells which is the wallet (checksummed there)."""
    checksummed = "0x7A1c3E5f9b2D4c6E8a0B1c2D3e4F5a6B7c8D9e0F"
    body = TOKENS_HEADER + f'"{HASH}","1","1704067200","","{OTHER}","{ME}","7","7","{USDC}","USD Coin","USDC"\n'
    named = load(write(tmp_path, f"export-tokens-{checksummed}.csv", body))
    assert named.frame.select("wallet", "type", "address", "id").rows() == [
        (ME, "deposit", OTHER, f"etherscan:{ME}:{HASH}:token:{USDC}:{OTHER}:{ME}:7")
    ]
    unnamed = load(write(tmp_path, "tokens.csv", body))
    assert unnamed.frame.height == 0
    hint = "; name the file after the address (export-0x<address>.csv)"
    assert errors(unnamed) == [(2, f"every row involves each of {OTHER}, {ME}, so the wallet is ambiguous{hint}")]


def test_no_address_in_every_row_is_an_error_on_every_row(tmp_path: Path) -> None:
    body = TOKENS_HEADER + "".join(
        f'"0x{str(i) * 64}","1","17040672{i}0","","{a}","{b}","1","1","{USDC}","USD Coin","USDC"\n'
        for i, (a, b) in enumerate([(ME, OTHER), (COINBASE, FRIEND)], start=1)
    )
    ledger = load(write(tmp_path, "tokens.csv", body))
    hint = "no address appears in every row, so the wallet is unknown; name the file after the address (export-0x<address>.csv)"
    assert errors(ledger) == [(2, hint), (3, hint)]
    assert all(d.code == Code.BAD_ROW for d in ledger.diagnostics if d.severity == Severity.ERROR)


def test_bad_rows_name_the_line(tmp_path: Path) -> None:
    me = ME
    rows = [
        f'"{HASH}","1","yesterday","","{me}","{OTHER}","","0","1","0","0.001","1","2500","","",""\n',
        f'"{HASH}","1","1704067200","","{me}","{OTHER}","","0","1.2.3","0","0.001","1","2500","","",""\n',
        f'"{HASH}","1","1704067200","","{COINBASE}","{OTHER}","","0","0","0","0.001","1","2500","","",""\n',
        f'"{HASH}","1","1704067200","","{me}","{OTHER}","","1","1","0","0.001","1","2500","","",""\n',
        f'"{HASH}","1","1704067200","","{me}","{OTHER}","","1","0","0","0.001","1","2500","","",""\n',
    ]
    ledger = load(write(tmp_path, f"export-{me}.csv", TXNS_HEADER + "".join(rows)))
    assert errors(ledger) == [
        (2, "UnixTimestamp 'yesterday' is not whole seconds since 1970 (1704067200)"),
        (3, "Value_OUT(ETH) '1.2.3' is not a number"),
        (4, f"neither From nor To is the wallet address {me}"),
        (5, "both Value_IN(ETH) and Value_OUT(ETH) are given"),
        (6, f"Value_IN(ETH) is given but To is not the wallet address {me}"),
    ]
    assert ledger.frame.height == 0


def test_internal_withdrawal_and_unknown_status(tmp_path: Path) -> None:
    """A contract wallet's internal send is a withdrawal to TxTo; a Status other than 0 or 1 is an error."""
    base = f'"{HASH}","5","1704067200","","{OTHER}","{ME}","0","{ME}","{ROUTER}","","0","0.25","0","2500",'
    ledger = load(write(tmp_path, f"internal-{ME}.csv", INTERNAL_HEADER + base + '"0","","call"\n' + base + '"2","","call"\n'))
    assert ledger.frame.select("type", "sent_asset", "sent_qty", "address", "tx_hash").rows() == [
        ("withdrawal", "ETH", "0.25", ROUTER, HASH)
    ]
    assert errors(ledger) == [(3, "unknown Status '2'; expected 0 (success) or 1 (reverted)")]


def test_old_headers_and_another_chain(tmp_path: Path) -> None:
    """Txhash/DateTime without Method (before 2023), old token files with Value, and BscScan's Value_IN(BNB)."""
    old = (
        '"Txhash","Blockno","UnixTimestamp","DateTime","From","To","ContractAddress","Value_IN(ETH)","Value_OUT(ETH)",'
        '"CurrentValue @ $1642.27/Eth","TxnFee(ETH)","TxnFee(USD)","Historical $Price/Eth","Status","ErrCode"\n'
        f'"{HASH}","1","1609459200","1/1/2021 0:00","{OTHER}","{ME}","","0.1","0","164.2","0.001","0.73","730.97","",""\n'
    )
    assert load(write(tmp_path, "old.csv", old)).frame.select("timestamp", "type", "received_asset", "received_qty").rows() == [
        (ts(2021, 1, 1, 0, 0, 0), "deposit", "ETH", "0.1")
    ]
    old_tokens = (
        '"Txhash","UnixTimestamp","DateTime","From","To","Value","ContractAddress","TokenName","TokenSymbol"\n'
        f'"{HASH}","1609459200","1/1/2021 0:00","{ME}","{OTHER}","2,500","{USDC}","USD Coin","usdc"\n'
    )
    assert load(write(tmp_path, f"t-{ME}.csv", old_tokens)).frame.select("type", "sent_asset", "sent_qty").rows() == [
        ("withdrawal", "USDC", "2500")
    ]
    bsc = TXNS_HEADER.replace("(ETH)", "(BNB)").replace("/Eth", "/BNB") + (
        f'"{HASH}","1","1704067200","","{ME}","{OTHER}","","0","0","0","0.0005","0.15","300","","","Approve"\n'
    )
    # 0.0005 x 300 = 0.15
    assert load(write(tmp_path, f"bsc-{ME}.csv", bsc)).frame.select("type", "sent_asset", "sent_qty", "usd_value").rows() == [
        ("fee", "BNB", "0.0005", "0.15")
    ]


def test_overlapping_exports_count_a_row_once_and_two_wallets_keep_both_sides(tmp_path: Path) -> None:
    ledger = load(TOKENS, TOKENS)
    assert ledger.frame.height == 6
    # A transfer between two of the user's addresses: one withdrawal and one deposit, each in its wallet.
    row = f'"{HASH}","1","1704067200","","{ME}","{OTHER}","3","3","{USDC}","USD Coin","USDC"\n'
    a, b = write(tmp_path, f"export-{ME}.csv", TOKENS_HEADER + row), write(tmp_path, f"export-{OTHER}.csv", TOKENS_HEADER + row)
    both = ingest.load([str(a), str(b)], importers=(etherscan,))
    assert sorted(both.frame.select("wallet", "type", "tx_hash", "address").rows()) == [
        (OTHER, "deposit", HASH, ME),
        (ME, "withdrawal", HASH, OTHER),
    ]


def test_identical_token_rows_of_one_transaction_are_both_kept(tmp_path: Path) -> None:
    row = f'"{HASH}","1","1704067200","","{OTHER}","{ME}","1","1","{USDC}","USD Coin","USDC"\n'
    ledger = load(write(tmp_path, f"export-{ME}.csv", TOKENS_HEADER + row + row))
    first = f"etherscan:{ME}:{HASH}:token:{USDC}:{OTHER}:{ME}:1"
    assert ledger.frame.sort("line").get_column("id").to_list() == [first, first + ":2"]


def _header(text: str) -> tuple[str, ...]:
    return tuple(normalize_header(c) for c in text.strip().split(","))


@pytest.mark.parametrize(
    "header",
    [
        # NFT transfers (ERC-721/1155), as BittyTax registers them: not read, so not claimed.
        "Txhash,Blockno,UnixTimestamp,DateTime (UTC),From,To,ContractAddress,TokenName,TokenSymbol,Token ID,Type,Quantity",
        "Txhash,Blockno,UnixTimestamp,DateTime,From,To,ContractAddress,TokenId,TokenName,TokenSymbol",
    ],
)
def test_nft_exports_are_not_claimed(header: str) -> None:
    assert [imp.NAME for imp in IMPORTERS if matches(imp, _header(header))] == []


@pytest.mark.parametrize("text", [TXNS_HEADER, INTERNAL_HEADER, TOKENS_HEADER])
def test_each_header_is_claimed_by_etherscan_alone(text: str) -> None:
    assert [imp.NAME for imp in IMPORTERS if matches(imp, _header(text.replace('"', "")))] == ["etherscan"]


def test_a_transaction_hash_in_the_file_name_is_not_an_address(tmp_path: Path) -> None:
    """Only a 40-digit 0x run is an address: the first 40 digits of a 64-digit hash are not."""
    body = TOKENS_HEADER + f'"{HASH}","1","1704067200","","{OTHER}","{ME}","7","7","{USDC}","USD Coin","USDC"\n'
    two = body + f'"{HASH}","2","1704067300","","{ME}","{COINBASE}","1","1","{USDC}","USD Coin","USDC"\n'
    ledger = load(write(tmp_path, f"tx-{HASH}.csv", two))
    # the rows settle it: ME is the one address in both rows
    assert ledger.frame.sort("line").select("wallet", "type").rows() == [(ME, "deposit"), (ME, "withdrawal")]


def test_status_values(tmp_path: Path) -> None:
    """Blank (or Success) is a success, Error(...) a failure, anything else an error, never a guess."""
    row = '"0x{h}","1","1704067200","","{me}","{other}","","0","1","0","0.001","1","2500","{status}","",""\n'
    rows = [row.format(h=str(i) * 64, me=ME, other=OTHER, status=s) for i, s in enumerate(["Success", "Error(1)", "Pending"], start=1)]
    ledger = load(write(tmp_path, f"export-{ME}.csv", TXNS_HEADER + "".join(rows)))
    assert ledger.frame.sort("line").select("line", "type", "sent_qty").rows() == [(2, "withdrawal", "1"), (3, "fee", "0.001")]
    assert errors(ledger) == [(4, "unknown Status 'Pending'; expected blank (success) or Error(...) (failed)")]


def test_swaps_across_the_three_exports_are_trades_with_their_gas() -> None:
    """Hand-read from the samples: 0x1f3c (Jan 9) sends 0.5 ETH (transactions, gas 0.00521743) and receives
    1,148.902311 USDC (tokens); 0x8a0d (Jan 17) sends 3,000 USDC (tokens), receives 1.184562 ETH (internal),
    gas 0.00461 on its zero-value transaction row. Each is one trade under its withdrawal's row; the other
    legs are counted skips. 0xc68a (a WETH unwrap: gas plus an internal deposit, no withdrawal) stays apart.
    """
    ledger = load(TXNS, INTERNAL, TOKENS)
    trades = [
        (r["file"], r["line"], r["timestamp"], r["sent_asset"], D(r["sent_qty"]), r["received_asset"], D(r["received_qty"]),
         r["fee_asset"], D(r["fee_qty"]), r["tx_hash"][:6], r["usd_value"], r["address"])
        for r in ledger.frame.filter(pl.col("type") == "trade").sort("timestamp").iter_rows(named=True)
    ]  # fmt: skip
    assert trades == [
        (str(TXNS), 4, ts(2024, 1, 9, 8, 6, 35), "ETH", D("0.5"), "USDC", D("1148.902311"), "ETH", D("0.00521743"), "0x1f3c", None, None),
        (str(TOKENS), 3, ts(2024, 1, 17, 9, 12, 30), "USDC", D("3000"), "ETH", D("1.184562"), "ETH", D("0.00461"), "0x8a0d", None, None),
    ]
    skipped = {f.path: {k: v for k, v in f.skipped.items() if k.startswith("part of")} for f in ledger.files}
    assert skipped == {
        str(TXNS): {f"part of the swap read as one trade at {TOKENS}:3": 1},
        str(INTERNAL): {f"part of the swap read as one trade at {TOKENS}:3": 1},
        str(TOKENS): {f"part of the swap read as one trade at {TXNS}:4": 1},
    }
    unwrap = ledger.frame.filter(pl.col("tx_hash").str.starts_with("0xc68a")).sort("line")
    assert unwrap.get_column("type").to_list() == ["deposit", "fee"]
    # Loaded alone, each file keeps its legs as transfers.
    assert "trade" not in load(TOKENS).frame.get_column("type").to_list()


def test_overlapping_copies_of_a_swap_count_once_and_ambiguous_transactions_stay_transfers(tmp_path: Path) -> None:
    ledger = load(TXNS, INTERNAL, TOKENS, TOKENS)
    assert ledger.frame.filter(pl.col("type") == "trade").height == 2
    assert [d for d in ledger.diagnostics if d.severity == "error"] == []
    # Two deposits in one transaction (a refund beside the bought token): not a plain swap, left as it is.
    rows = (
        f'"{HASH}","1","1704067200","","{ME}","{OTHER}","10","10","{USDC}","USD Coin","USDC"\n'
        f'"{HASH}","1","1704067200","","{OTHER}","{ME}","2","2","{USDC}","USD Coin","USDC"\n'
        f'"{HASH}","1","1704067200","","{OTHER}","{ME}","1","1","{LINK}","ChainLink Token","LINK"\n'
    )
    path = write(tmp_path, f"export-{ME}.csv", TOKENS_HEADER + rows)
    assert sorted(load(path).frame.get_column("type").to_list()) == ["deposit", "deposit", "withdrawal"]
    # One withdrawal and one deposit of the same asset: not a swap either.
    same = write(tmp_path, f"same-{ME}.csv", TOKENS_HEADER + "".join(rows.splitlines(keepends=True)[:2]))
    assert sorted(load(same).frame.get_column("type").to_list()) == ["deposit", "withdrawal"]


def test_a_self_custody_wallet_pairs_with_an_exchange_by_hash(tmp_path: Path) -> None:
    """The exchange's withdrawal names the chain hash of the wallet's deposit (sample line 2, 2.5 ETH): the hash
    decides, even 8 days and 10% apart (outside the time window and the amount tolerance)."""
    ledger_csv = write(
        tmp_path,
        "exchange.csv",
        "timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note,tx_hash\n"
        "2023-12-31T14:22:11Z,Coinbase,withdrawal,ETH,2.75,,,,,,,cb-w1,,"
        "0x709b55bd3da0f5a838125bd0ee20c5bfdd7caba173912d4281cae816b79a201b\n",
    )
    ledger = ingest.load([str(ledger_csv), str(TXNS)])
    _, report, _ = pairing.link(ledger.frame)
    pairs = report.pairs.filter(pl.col("withdrawal_id") == "cb-w1")
    assert pairs.select("from_wallet", "to_wallet", "deposit_line", "rule").rows() == [("Coinbase", ME, 2, "tx hash")]
