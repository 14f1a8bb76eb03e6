"""The retry delays: growing, capped, jittered between half and all of each step."""

from __future__ import annotations

from pgshift.migrations.retry import Backoff


def test_delays_grow_then_stop_at_the_cap() -> None:
    backoff = Backoff(attempts=10, base=0.5, cap=4.0)
    steps = [backoff.delay(n, rand=lambda: 1.0) for n in range(1, 7)]
    assert steps == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_jitter_keeps_each_delay_between_half_and_all_of_its_step() -> None:
    backoff = Backoff(base=1.0, cap=30.0)
    assert backoff.delay(3, rand=lambda: 0.0) == 2.0
    assert backoff.delay(3, rand=lambda: 0.5) == 3.0
    seen = {round(backoff.delay(2), 6) for _ in range(50)}
    assert len(seen) > 1  # real jitter: replicas retrying together spread out
    assert all(1.0 <= d <= 2.0 for d in seen)


def test_the_floor_comes_before_the_jittered_step() -> None:
    # after an attempt that held the queue for a 2 s lock_timeout, at least 2 s pass
    backoff = Backoff(base=0.5, cap=30.0)
    assert backoff.delay(1, rand=lambda: 0.0, floor=2.0) == 2.25
    assert backoff.delay(2, rand=lambda: 1.0, floor=2.0) == 3.0
