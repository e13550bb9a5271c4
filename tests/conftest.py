"""Shared fixtures: every test runs inside the project's Decimal context, which traps floats."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from taxlots.model.money import decimal_context

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(autouse=True)
def _exact_decimals() -> Iterator[None]:
    with decimal_context():
        yield


@pytest.fixture
def samples() -> Path:
    return SAMPLES
