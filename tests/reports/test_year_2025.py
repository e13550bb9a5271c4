"""``taxlots report`` for a 2025 year from a project folder: digital-asset boxes G-L from ``[brokers]``, read back.

Worked by hand (per-wallet FIFO):
- Coinbase buys 1 BTC for 100 on 2024-01-05 (L1) and 1 BTC for 300 on 2025-03-01 (L2), then sells 1.5 BTC for
  600 on 2025-06-01: 1 BTC of L1 is long-term (proceeds 400, basis 100, gain 300), 0.5 BTC of L2 short-term
  (200, 150, 50). Coinbase is marked proceeds-only: boxes H (short) and K (long).
- Kraken buys 2 ETH for 200 on 2025-01-02 and sells 1 ETH for 150 on 2025-08-01: short-term 150, 100, 50.
  Kraken is marked basis-reported: box G.
- Wallet (self custody, unmarked) got 1 ETH for 50 on 2024-06-01 and sells it for 80 on 2025-07-01: long-term
  80, 50, 30, box L (no 1099-DA).
Schedule D: 1b = G, 2 = H, 9 = K, 10 = L; line 7 = 50 + 50 = 100, line 15 = 300 + 30 = 330, line 16 = 430.
TXF (no codes for G-L): G as A (321), H as B (711), K as E (713), L as F (714), and a printed warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from taxlots.cli import app

LEDGER = """timestamp,wallet,type,sent_asset,sent_qty,received_asset,received_qty,fee_asset,fee_qty,usd_value,to_wallet,id,note
2024-01-02T00:00:00Z,Coinbase,deposit,,,USD,1000,,,,,D1,
2024-01-05T00:00:00Z,Coinbase,trade,USD,100,BTC,1,,,,,L1,
2024-06-01T00:00:00Z,Wallet,deposit,,,USD,50,,,,,D2,
2024-06-01T01:00:00Z,Wallet,trade,USD,50,ETH,1,,,,,L3,
2025-01-01T00:00:00Z,Kraken,deposit,,,USD,500,,,,,D3,
2025-01-02T00:00:00Z,Kraken,trade,USD,200,ETH,2,,,,,L4,
2025-03-01T00:00:00Z,Coinbase,trade,USD,300,BTC,1,,,,,L2,
2025-06-01T00:00:00Z,Coinbase,trade,BTC,1.5,USD,600,,,,,S1,
2025-07-01T00:00:00Z,Wallet,trade,ETH,1,USD,80,,,,,S2,
2025-08-01T00:00:00Z,Kraken,trade,ETH,1,USD,150,,,,,S3,
"""
TOML = """inputs = ["ledger.csv"]
year = 2025
scope = "per-wallet"

[brokers]
Coinbase = "proceeds-only"
Kraken = "basis-reported"
Wallet = "none"

[report]
out = "forms"
name = "Pat Payer"
tin = "000-00-0000"
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    (tmp_path / "taxlots.toml").write_text(TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_boxes_g_to_l_from_the_project_brokers(folder: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    boxes = {b["box"]: (b["proceeds"], b["cost_basis"], b["gain"]) for b in doc["boxes"]}
    assert boxes == {
        "G": ("150.00", "100.00", "50.00"),
        "H": ("200.00", "150.00", "50.00"),
        "K": ("400.00", "100.00", "300.00"),
        "L": ("80.00", "50.00", "30.00"),
    }
    sd = doc["schedule_d"]
    assert (sd["1b"]["gain"], sd["2"]["gain"], sd["9"]["gain"], sd["10"]["gain"]) == ("50.00", "50.00", "300.00", "30.00")
    assert (sd["7"], sd["15"], sd["16"]) == ("100.00", "330.00", "430.00")
    assert "re-check" in result.stderr and "G, H, K, L" in result.stderr  # the TXF warning names the boxes
    out = folder / "forms"
    txf = (out / "taxlots.txf").read_bytes().decode("ascii")
    refnums = [line[1:] for line in txf.split("\r\n") if line.startswith("N")]
    assert refnums == ["321", "711", "713", "714"]  # G, H (Part I), K, L (Part II), in form order
    # Form 8949 2025: one page per box; checkboxes top to bottom A B C G H I / D E F J K L, on-states /1../6.
    reader = PdfReader(out / "form8949.pdf")
    fields = {k: v.get("/V") for k, v in (reader.get_fields() or {}).items()}
    assert len(reader.pages) == 4
    assert (fields["p1.c1_1[3]"], fields["p2.c1_1[4]"], fields["p3.c2_1[4]"], fields["p4.c2_1[5]"]) == ("/4", "/5", "/5", "/6")
    assert fields["p1.f1_01[0]"] == "Pat Payer" and fields["p1.f1_02[0]"] == "000-00-0000"
    assert (fields["p3.f2_03[0]"], fields["p3.f2_06[0]"], fields["p3.f2_07[0]"], fields["p3.f2_10[0]"]) == (
        "1 BTC",
        "400.00",
        "100.00",
        "300.00",
    )
    assert (fields["p3.f2_91[0]"], fields["p3.f2_92[0]"], fields["p3.f2_95[0]"]) == ("400.00", "100.00", "300.00")  # line 2 totals
    sd_fields = {k: v.get("/V") for k, v in (PdfReader(out / "schedule_d.pdf").get_fields() or {}).items()}
    assert (sd_fields["p1.f1_7[0]"], sd_fields["p1.f1_10[0]"]) == ("150.00", "50.00")  # line 1b (d), (h)
    assert (sd_fields["p1.f1_22[0]"], sd_fields["p1.f1_43[0]"], sd_fields["p2.f2_1[0]"]) == ("100.00", "330.00", "430.00")


def test_the_command_line_broker_wins_over_the_project_for_its_wallet(folder: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--json", "--broker", "Kraken=proceeds-only", "--out", "elsewhere"])
    assert result.exit_code == 0, result.output
    boxes = {b["box"]: b["gain"] for b in json.loads(result.stdout)["boxes"]}
    assert boxes == {"H": "100.00", "K": "300.00", "L": "30.00"}  # Kraken moves from G to H; Coinbase keeps H/K from the file
    assert (folder / "elsewhere" / "form8949.pdf").exists() and not (folder / "forms").exists()  # --out wins too


def test_report_keys_of_the_project_choose_rounding_route_and_split(folder: Path) -> None:
    extra = 'rounding = "dollars"\nstatement = true\nturbotax_rows = 1\n'
    (folder / "taxlots.toml").write_text(TOML + extra, encoding="utf-8")  # appended to the [report] table
    result = CliRunner().invoke(app, ["report", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["rounding"] == "dollars" and {b["route"] for b in doc["boxes"]} == {"statement"}
    assert [f for f in doc["files"] if f.startswith("turbotax-")] == [f"turbotax-gains-{i}.csv" for i in (1, 2, 3, 4)]
    assert doc["schedule_d"]["16"] == "430"
    again = CliRunner().invoke(app, ["report", "--json", "--rounding", "cents"])  # the command line wins
    assert json.loads(again.stdout)["schedule_d"]["16"] == "430.00"


def test_a_bad_report_key_names_the_file_and_line(folder: Path) -> None:
    (folder / "taxlots.toml").write_text(TOML + "max_pages = 0\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report"])
    assert result.exit_code == 2
    assert "taxlots.toml:14" in result.stderr and "report.max_pages" in result.stderr
    assert not (folder / "forms").exists()
