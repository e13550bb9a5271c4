"""Step 3, line checks: judge every physical line on its raw text (blank, repeated header, field count)."""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.ingest.sniff import Sniffed

_SLACK = 8  # extra columns read past the header, to catch rows with too many fields


def _line_checks(path: str, sn: Sniffed) -> tuple[pl.LazyFrame | None, int | None]:
    """``line, _skip, _error`` for every physical line, judged on the raw text (one string column, so cheap).

    Skips blank lines, repeated header lines and lines of one field (a note such as "No matching records
    found." or a total); errors on a field count, counted outside quotes, that differs from the header's
    (parsed cells cannot tell a blank field from a missing one). Trailing unnamed header columns may be left
    off. Returns None when a quoted field spans lines: physical lines then no longer match records.
    """
    sep, most = sn.separator, len(sn.header)
    least = max((i + 1 for i, h in enumerate(sn.header) if h), default=most)
    least = min(least, getattr(sn.importer, "MIN_FIELDS", least))  # rows shorter than the header by design
    squeeze = r'[\s"\ufeff]'
    header_text = sep.join(sn.header).replace(" ", "")
    raw = pl.scan_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        skip_lines=sn.header_line,
        schema={"_raw": pl.String},
        row_index_name="line",
        row_index_offset=sn.header_line + 1,
        encoding="utf8-lossy",
        missing_columns="insert",
        truncate_ragged_lines=True,
    )
    text = pl.col("_raw").fill_null("")
    quotes, seps = text.str.count_matches('"', literal=True), text.str.count_matches(sep, literal=True)
    # Separators outside quotes are counted with literal counts when a line has no quote, or quotes only at its
    # two ends and around every separator (``"a","b"``: 2 + 2 per separator); any other line takes the regex.
    boxed = (quotes == 2 * seps + 2) & text.str.starts_with('"') & text.str.ends_with('"')
    simple = (quotes == 0) | (boxed & (text.str.count_matches(f'"{sep}"', literal=True) == seps))
    # Only a line without an ASCII digit can be blank or, when the header has none, the header again (neither
    # squeezing nor lowercasing adds or removes digits): the costly squeeze runs on those few lines only.
    digits = list("0123456789")
    maybe = ~text.str.contains_any(digits) if not any(d in header_text for d in digits) else pl.lit(True)
    checked = raw.select(
        pl.col("line").cast(pl.Int64),
        _odd=quotes % 2 == 1,
        _fields=seps + 1,
        _simple=simple,
        _maybe=maybe,
        _raw=pl.when(maybe | ~simple).then(pl.col("_raw")),
    ).collect()
    squeezed = text.str.to_lowercase().str.replace_all(squeeze, "")
    some = checked.filter(pl.col("_maybe")).select(
        "line", _blank=squeezed.str.replace_all(sep, "", literal=True) == "", _header=squeezed == header_text
    )
    quoted = checked.filter(~pl.col("_simple")).select(
        "line", _quoted=text.str.replace_all(r'"[^"]*"', "").str.count_matches(sep, literal=True) + 1
    )
    keys = {"on": "line", "how": "left", "maintain_order": "left"}
    checked = checked.drop("_raw", "_maybe").join(some, **keys).join(quoted, **keys)  # type: ignore[arg-type]
    checked = checked.with_columns(pl.col("_blank", "_header").fill_null(False), _fields=pl.coalesce("_quoted", "_fields"))
    odd = checked.filter(pl.col("_odd"))["line"]
    if odd.len() % 2 == 1:  # each such line opens or closes a field spanning lines: the last one never closes
        return None, int(odd[-1])
    if odd.len():
        return None, None
    skip = (
        pl.when(pl.col("_blank")).then(pl.lit("blank line"))
        .when(pl.col("_header")).then(pl.lit("repeated header line"))
        .when(pl.col("_fields") == 1).then(pl.lit("line of one field (a note or a total, not a data row)"))
    )  # fmt: skip
    wrong = (pl.col("_fields") > most) | (pl.col("_fields") < least)
    error = pl.when(wrong).then(pl.format(f"row has {{}} fields, the header has {most}", pl.col("_fields")))
    return checked.lazy().select("line", _skip=skip, _error=pl.when(skip.is_null()).then(error)), None


def _cell_checks(names: list[str], header: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
    """``(skip, error)`` from parsed cells, for files whose quoted fields span lines (see :func:`_line_checks`)."""
    blank = pl.all_horizontal([ex.blank_to_null(pl.col(n)).is_null() for n in names])
    repeated = pl.all_horizontal(
        [pl.col(n).fill_null("").str.strip_chars().str.to_lowercase() == h for n, h in zip(names, header, strict=True)]
    )
    skip = pl.when(blank).then(pl.lit("blank line")).when(repeated).then(pl.lit("repeated header line"))
    extra = pl.sum_horizontal([pl.col(f"_extra{k}").is_not_null() for k in range(_SLACK)])
    error = pl.when(extra > 0).then(pl.lit(f"row has more fields than the header's {len(names)}"))
    return skip, error
