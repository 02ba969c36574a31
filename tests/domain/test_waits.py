"""The one rounding of a wait for people (kiosk.waits), used by every screen and the CLI."""

from __future__ import annotations

import pytest

from kiosk.waits import Wait, rounded_wait, wait_words, whole_seconds


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0.0, Wait(1, "second")),
        (0.2, Wait(1, "second")),
        (1.0, Wait(1, "second")),
        (1.4, Wait(2, "second")),  # rounded up: never told to come back before the wait ends
        (29.5, Wait(30, "second")),
        (89.0, Wait(89, "second")),
        (89.2, Wait(2, "minute")),  # 90 whole seconds: said in minutes
        (90.0, Wait(2, "minute")),  # never "1 minute"
        (120.0, Wait(2, "minute")),
        (120.5, Wait(3, "minute")),
        (900.0, Wait(15, "minute")),
    ],
)
def test_a_wait_is_rounded_up_in_seconds_then_minutes(seconds: float, expected: Wait) -> None:
    assert rounded_wait(seconds) == expected


def test_the_words_and_the_countdown_agree_with_the_rounding() -> None:
    assert wait_words(1.0) == "1 second"
    assert wait_words(1.4) == "2 seconds"
    assert wait_words(600.0) == "10 minutes"
    assert whole_seconds(1.4) == 2 and whole_seconds(0.0) == 1
    assert whole_seconds(float("inf")) >= 90 and whole_seconds(float("nan")) == 1
    assert rounded_wait(float("inf")).in_minutes
