"""Crypto.com App transaction history (Accounts -> Crypto Wallet -> Transaction History -> Export).

Header ``Timestamp (UTC),Transaction Description,Currency,Amount,To Currency,To Amount,Native Currency,
Native Amount,Native Amount (in USD),Transaction Kind`` and, in newer files, ``Transaction Hash`` (BittyTax
registers both). One row is one event; ``Amount`` is signed (negative leaves the wallet) and ``Transaction
Kind`` says what happened. The kind names are those BittyTax's Crypto.com parser knows.

Mapping (wallet ``Crypto.com App``; ``usd_value`` is ``Native Amount (in USD)``, unsigned, unless a side is
USD cash, which then is the value):

- Exchanges of one asset for another (``crypto_exchange``, ``viban_purchase``, ``crypto_viban_exchange``,
  ``crypto_to_van_sell_order``, ``van_purchase``, ``recurring_buy_order``, limit ``sell_commit``): sent
  ``|Amount|`` of ``Currency``, received ``To Amount`` of ``To Currency``.
- ``crypto_purchase`` (a card purchase): received ``Amount`` of ``Currency``, sent ``Native Amount`` of the
  ``Native Currency``.
- Interest, staking, rewards, referral and cashback kinds: income. Payments and card top-ups: spends.
- ``crypto_deposit``/``exchange_to_crypto_transfer``: deposits; ``crypto_withdrawal``/``crypto_to_exchange_transfer``:
  withdrawals (the Crypto.com Exchange is another wallet); ``crypto_transfer`` (Crypto.com Pay with another
  user) is a deposit or withdrawal by its sign. ``Transaction Hash`` fills ``tx_hash``.
- Locks, unlocks, earn subscriptions and other moves inside the app: skipped with their kind.
- A blank kind is a fiat wallet row: a deposit or withdrawal when the description says so, else an error.
- ``dust_conversion_*`` rows (several coins into CRO, one row per coin) are errors: which CRO paid for which
  coin is not in the file; so is any kind taxlots does not know.

The export has no ids: rows are named ``FILE:LINE`` and deduplicated by content across files.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "cryptocom-app"
TITLE = "Crypto.com App transaction history CSV"
SIGNATURES = (
    (
        "timestamp (utc)", "transaction description", "currency", "amount", "to currency", "to amount", "native currency",
        "native amount", "native amount (in usd)", "transaction kind",
    ),
)  # fmt: skip

WALLET = "Crypto.com App"
_EXCHANGES = (
    "viban_purchase", "van_purchase", "crypto_viban_exchange", "crypto_exchange", "crypto_to_van_sell_order",
    "trading.limit_order.fiat_wallet.sell_commit", "recurring_buy_order",
)  # fmt: skip
_INCOME = (
    "crypto_earn_interest_paid", "mco_stake_reward", "crypto_earn_extra_interest_paid", "supercharger_reward_to_app_credited",
    "finance.lockup.dpos_compound_interest.crypto_wallet", "finance.dpos.non_compound_interest.crypto_wallet",
    "finance.dpos.compound_interest.crypto_wallet", "rewards_platform_deposit_credited", "referral_bonus", "referral_gift",
    "referral_card_cashback", "transfer_cashback", "reimbursement", "gift_card_reward", "admin_wallet_credited", "campaign_reward",
)  # fmt: skip
_SPEND = ("crypto_payment", "card_top_up", "card_cashback_reverted", "reimbursement_reverted")
_INTERNAL = (
    "crypto_earn_program_created", "crypto_earn_program_withdrawn", "lockup_lock", "lockup_unlock", "lockup_upgrade",
    "lockup_swap_credited", "lockup_swap_debited", "dynamic_coin_swap_credited", "dynamic_coin_swap_debited",
    "dynamic_coin_swap_bonus_exchange_deposit", "interest_swap_credited", "interest_swap_debited", "crypto_wallet_swap_credited",
    "crypto_wallet_swap_debited", "supercharger_deposit", "supercharger_withdrawal", "council_node_deposit_created",
    "trading.limit_order.fiat_wallet.purchase_lock", "trading.limit_order.fiat_wallet.purchase_unlock",
    "trading.limit_order.fiat_wallet.sell_lock", "trading.limit_order.cash_account.purchase_lock",
    "trading.limit_order.cash_account.purchase_unlock", "finance.lockup.dpos_lock.crypto_wallet", "finance.dpos.staking.crypto_wallet",
    "finance.dpos.unstaking.crypto_wallet",
)  # fmt: skip
_DUST = ("dust_conversion_debited", "dust_conversion_credited")
_KINDS = {
    **dict.fromkeys(_EXCHANGES, "exchange"),
    "crypto_purchase": "purchase",
    **dict.fromkeys(_INCOME, "income"),
    **dict.fromkeys(_SPEND, "spend"),
    **dict.fromkeys(("crypto_deposit", "exchange_to_crypto_transfer"), "deposit"),
    **dict.fromkeys(("crypto_withdrawal", "crypto_to_exchange_transfer"), "withdrawal"),
    "crypto_transfer": "pay",
    **dict.fromkeys(_INTERNAL, "internal"),
}


def _kind(kind: pl.Expr, description: pl.Expr, negative: pl.Expr) -> pl.Expr:
    """The unified type, or ``internal``; null when unknown. A blank kind is a fiat deposit or withdrawal."""
    known = kind.replace_strict(_KINDS, default=None, return_dtype=pl.String)
    desc = description.fill_null("").str.to_lowercase()
    fiat = pl.when(desc.str.contains("deposit")).then(pl.lit("deposit")).when(desc.str.contains("withdrawal")).then(pl.lit("withdrawal"))
    pay = pl.when(negative).then(pl.lit("withdrawal")).otherwise(pl.lit("deposit"))
    mapped = pl.when(known.is_in(["exchange", "purchase"])).then(pl.lit("trade")).when(known == "pay").then(pay).otherwise(known)
    return pl.when(kind.is_null()).then(fiat).otherwise(mapped)


def _parse(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Checked numbers, codes, the time and the unified kind of every row."""
    amount, amount_err = ex.checked_number(pl.col("amount"), "Amount")
    to_amount, to_err = ex.checked_number(pl.col("to amount"), "To Amount")
    native, native_err = ex.checked_number(pl.col("native amount"), "Native Amount")
    usd, usd_err = ex.checked_number(pl.col("native amount (in usd)"), "Native Amount (in USD)")
    lf = lf.with_columns(
        _ts=ex.local_time(pl.col("timestamp (utc)"), ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"], "UTC"),
        _amount=amount,
        _to=to_amount,
        _native=native,
        _usd=usd,
        _ccy=ex.asset_code(pl.col("currency")),
        _to_ccy=ex.asset_code(pl.col("to currency")),
        _native_ccy=ex.asset_code(pl.col("native currency")),
        _raw_kind=ex.blank_to_null(pl.col("transaction kind")).str.to_lowercase(),
        _parse_err=ex.join_errors(amount_err, to_err, native_err, usd_err),
    )
    negative = ex.is_negative(pl.col("_amount")).fill_null(False)
    return lf.with_columns(_negative=negative, _kind=_kind(pl.col("_raw_kind"), pl.col("transaction description"), negative))


def _sides(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``_sent``, ``_sent_qty``, ``_received``, ``_received_qty`` from the kind (bound once, used twice)."""
    kind, kind_raw, ccy, qty = pl.col("_kind"), pl.col("_raw_kind"), pl.col("_ccy"), ex.unsigned(pl.col("_amount"))
    purchase, exchange = kind_raw == "crypto_purchase", (kind == "trade") & (kind_raw != "crypto_purchase")
    out, into = kind.is_in(["withdrawal", "spend"]), purchase | kind.is_in(["deposit", "income"])
    return lf.with_columns(
        _exchange=exchange.fill_null(False),
        _sent=pl.when(exchange).then(ccy).when(purchase).then(pl.col("_native_ccy")).when(out).then(ccy),
        _sent_qty=pl.when(exchange).then(qty).when(purchase).then(ex.unsigned(pl.col("_native"))).when(out).then(qty),
        _received=pl.when(exchange).then(pl.col("_to_ccy")).when(into).then(ccy),
        _received_qty=pl.when(exchange).then(ex.unsigned(pl.col("_to"))).when(into).then(qty),
    )


def _errors() -> pl.Expr:
    kind, kind_raw, amount, negative = pl.col("_kind"), pl.col("_raw_kind"), pl.col("_amount"), pl.col("_negative")
    shown = pl.col("transaction kind").str.strip_chars()
    inbound = kind.is_in(["deposit", "income"]) & kind_raw.ne_missing("crypto_transfer")
    outbound = kind.is_in(["withdrawal", "spend"]) & kind_raw.ne_missing("crypto_transfer")
    dust = "'{}': a dust conversion lists each coin on its own row and the CRO it became on another; record it by hand"
    return ex.join_errors(
        ex.timestamp_error(pl.col("timestamp (utc)"), pl.col("_ts"), "Timestamp (UTC)", "a date and time like 2024-01-02 10:11:12"),
        pl.col("_parse_err"),
        pl.when(kind_raw.is_in(_DUST)).then(pl.format(dust, shown)),
        pl.when(kind.is_null() & kind_raw.is_not_null() & ~kind_raw.is_in(_DUST)).then(
            pl.format("unknown Transaction Kind '{}'; taxlots knows the kinds listed in its Crypto.com App importer", shown)
        ),
        pl.when(kind.is_null() & kind_raw.is_null()).then(
            pl.format(
                "blank Transaction Kind and description '{}' names no deposit or withdrawal",
                pl.col("transaction description").fill_null(""),
            )
        ),
        pl.when(pl.col("_ccy").is_null()).then(pl.lit("Currency is blank")),
        pl.when(ex.blank_to_null(pl.col("amount")).is_null()).then(pl.lit("Amount is blank")),
        pl.when(inbound & negative).then(pl.format("a '{}' row should add to the wallet, but Amount is {}", shown, amount)),
        pl.when(outbound & ~negative & ~ex.is_zero(amount)).then(
            pl.format("a '{}' row should take from the wallet, but Amount is {}", shown, amount)
        ),
        pl.when(pl.col("_exchange") & (pl.col("_to_ccy").is_null() | pl.col("_to").is_null())).then(
            pl.lit("an exchange row needs To Currency and To Amount")
        ),
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Crypto.com App rows -> unified rows, one event each."""
    lf = _sides(_parse(lf))
    kind = pl.col("_kind")
    skip = pl.when(kind == "internal").then(pl.format("move inside the Crypto.com App ({})", pl.col("transaction kind").str.strip_chars()))
    no_cash = (pl.col("_sent").fill_null("") != "USD") & (pl.col("_received").fill_null("") != "USD")
    transfer = kind.is_in(["deposit", "withdrawal"])
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.when(kind != "internal").then(kind),
            sent_asset=pl.col("_sent"),
            sent_qty=pl.col("_sent_qty"),
            received_asset=pl.col("_received"),
            received_qty=pl.col("_received_qty"),
            usd_value=pl.when(no_cash & ~transfer).then(ex.unsigned(pl.col("_usd"))),
            note=ex.note(pl.col("transaction description"), pl.col("transaction kind")),
            error=pl.when(skip.is_null()).then(_errors()),
            skip=skip,
            tx_hash=pl.when(transfer).then(ex.blank_to_null(ex.column(ctx, "transaction hash"))),
        )
    ).sort("line")
