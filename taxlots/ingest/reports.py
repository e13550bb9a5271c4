"""Step 6, file reports: per-file counts, date ranges, assets and wallets, and the diagnostics of rows."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from taxlots.ingest.read import FileReport
from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.source import SourceRef


def _row_diagnostics(bad: pl.DataFrame, importer_of: dict[str, str]) -> list[Diagnostic]:
    return [
        Diagnostic(code=Code.BAD_ROW, message=msg, source=SourceRef(file, line, importer_of.get(file, "")))
        for file, line, msg in bad.select("file", "line", "error").iter_rows()
    ]


def _future(kept: pl.DataFrame, now: datetime) -> list[Diagnostic]:
    """One warning per file whose rows are dated after ``now`` (a wrong year or zone, or a placeholder)."""
    late = kept.filter(pl.col("timestamp") > now).group_by("file").agg(n=pl.len(), line=pl.col("line").min()).sort("file")
    return [
        Diagnostic(
            code=Code.BAD_TIMESTAMP,
            severity=Severity.WARNING,
            message=f"{n} row(s) are dated after today (the first on this line)",
            source=SourceRef(file, line),
            hint="check the year and the time zone of these rows",
        )
        for file, n, line in late.iter_rows()
    ]


def _fill_reports(
    reports: list[FileReport], counted: pl.DataFrame, bad: pl.DataFrame, skipped: pl.DataFrame, dropped: pl.DataFrame, kept: pl.DataFrame
) -> list[Diagnostic]:
    """Per-file counts, date range, assets and wallets; and one info line per kind of skipped row."""
    diags: list[Diagnostic] = []
    for order, n in counted.iter_rows():
        reports[int(order)].rows = n
    for (order,), part in bad.group_by("order", maintain_order=True):
        reports[int(order)].errors = part.height
    for (order,), part in dropped.group_by("order", maintain_order=True):
        reports[int(order)].duplicates = part.height
    for (order, reason), part in skipped.sort("order", "line").group_by("order", "skip", maintain_order=True):
        report = reports[int(order)]
        report.skipped[str(reason)] = part.height
        diags.append(
            Diagnostic(
                code=Code.SKIPPED_ROWS,
                severity=Severity.INFO,
                message=f"skipped {part.height} row(s): {reason}",
                source=SourceRef(report.path, report.header_line),
            )
        )
    summarized = kept.select("order", "timestamp", "sent_asset", "received_asset", "fee_asset", "wallet", "to_wallet")
    for (order,), part in summarized.group_by("order", maintain_order=True):  # each part a copy: of these columns only
        report = reports[int(order)]
        report.kept = part.height
        report.first, report.last = part["timestamp"].min(), part["timestamp"].max()  # type: ignore[assignment]
        assets = pl.concat([part["sent_asset"], part["received_asset"], part["fee_asset"]]).drop_nulls().unique().sort()
        wallets = pl.concat([part["wallet"], part["to_wallet"]]).drop_nulls().unique().sort()
        report.assets, report.wallets = tuple(assets.to_list()), tuple(wallets.to_list())
    for report in reports:
        if report.duplicates:
            diags.append(
                Diagnostic(
                    code=Code.DUPLICATES_DROPPED,
                    severity=Severity.INFO,
                    message=f"dropped {report.duplicates} row(s) already read from another file or line",
                    source=SourceRef(report.path, report.header_line),
                )
            )
    return diags
