"""Shared fixtures: every test runs inside the project's Decimal context, which traps floats."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from taxlots.model.money import decimal_context

# Hypothesis profiles: "default" for a normal run; "ci" the same examples every run (derandomized, so a red build
# can be reproduced); "fuzz" many more examples (with ``pytest -m fuzz``); "triage" no shrinking (to
# see quickly whether a change breaks a property). Choose with HYPOTHESIS_PROFILE; "ci" is the default where CI is set.
settings.register_profile("default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True, print_blob=True)
settings.register_profile("fuzz", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("triage", parent=settings.get_profile("default"), phases=[Phase.explicit, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))  # CI sets CI=true

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(autouse=True)
def _exact_decimals() -> Iterator[None]:
    with decimal_context():
        yield


@pytest.fixture
def samples() -> Path:
    return SAMPLES
