"""The bounded zstd inflater of the sync client (kiosk/sync/zstd_body.py), alone."""

from __future__ import annotations

import pytest
import zstandard

from kiosk.sync.zstd_body import SLICE, ZstdDamaged, ZstdInflate

#: One step's output bound (the module docstring): 128 KiB per 3 input bytes.
STEP_BOUND = SLICE // 3 * 128 * 1024 + 128 * 1024


def _bomb(mib: int) -> bytes:
    z = zstandard.ZstdCompressor(level=19).compressobj()
    zeros = bytes(1 << 20)
    return b"".join(z.compress(zeros) for _ in range(mib)) + z.flush()


def test_one_step_of_a_bomb_stays_near_max_length() -> None:
    bomb = _bomb(64)
    assert len(bomb) < 32 * 1024
    inflate = ZstdInflate()
    out = inflate.decompress(bomb, 1 << 20)
    assert 1 << 20 <= len(out) <= (1 << 20) + STEP_BOUND
    assert inflate.unconsumed_tail  # the rest waits: nothing past the bound was inflated
    assert not inflate.eof


def test_frames_in_a_row_and_the_data_after_the_first() -> None:
    one = zstandard.ZstdCompressor().compress(b"a" * 5000)
    two = zstandard.ZstdCompressor().compress(b"b" * 7)
    inflate = ZstdInflate()
    assert inflate.decompress(one + two, 1 << 30) == b"a" * 5000
    assert inflate.eof and inflate.unused_data == two


def test_garbage_is_damaged() -> None:
    with pytest.raises(ZstdDamaged):
        ZstdInflate().decompress(b"\x00" * 100, 1 << 20)


def test_a_window_larger_than_allowed_is_refused() -> None:
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=27)
    z = zstandard.ZstdCompressor(compression_params=params).compressobj()
    frame = z.compress(b"x" * 1000) + z.flush()
    with pytest.raises(ZstdDamaged):
        ZstdInflate().decompress(frame, 1 << 20)
