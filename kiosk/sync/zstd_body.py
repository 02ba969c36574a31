"""zstd reply bodies, inflated in bounded steps so the client's decompressed-size cap holds.

``zstandard``'s streaming decompressor returns everything one input chunk holds; a few KB of
hostile zstd can hold gigabytes. The zstd format bounds the output of one block to 128 KiB and
needs at least 3 bytes of block header per block, so feeding :data:`SLICE` input bytes at a time
bounds one step's output to ``SLICE / 3 * 128 KiB`` (under 3 MiB): the client checks its cap after
every step, and a bomb stops there (``tests/sync/test_zstd_body.py``). :class:`ZstdInflate` has
the small part of ``zlib``'s ``decompressobj`` interface that :mod:`kiosk.sync.client` uses.
"""

from __future__ import annotations

import zstandard

#: Input bytes fed per step (see the module docstring for the output bound).
SLICE = 64
#: Largest back-reference window accepted (central's level and page sizes stay well under it);
#: it bounds the decoder's memory, whatever a frame header asks for.
MAX_WINDOW_BYTES = 1 << 24


class ZstdDamaged(Exception):
    """The zstd stream is not valid zstd (or needs a larger window than we allow)."""


class ZstdInflate:
    """One zstd stream (one or more frames in a row), inflated in bounded steps.

    Attributes:
        eof: a frame ended; ``unused_data`` holds what followed it (the next frame, if any).
        unconsumed_tail: input not yet fed because ``max_length`` was reached.
    """

    def __init__(self) -> None:
        self._d = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW_BYTES).decompressobj()
        self.eof = False
        self.unused_data = b""
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        """Inflate ``data`` until at least ``max_length`` bytes came out, or the frame ended."""
        out: list[bytes] = []
        size = pos = 0
        view = memoryview(data)
        while pos < len(data) and size < max_length and not self.eof:
            piece = view[pos : pos + SLICE]
            pos += len(piece)
            try:
                got = self._d.decompress(piece)
            except zstandard.ZstdError as exc:
                raise ZstdDamaged(str(exc)) from None
            if got:
                out.append(got)
                size += len(got)
            if self._d.eof:
                self.eof = True
                self.unused_data = bytes(self._d.unused_data) + bytes(view[pos:])
                pos = len(data)
        self.unconsumed_tail = b"" if self.eof else bytes(view[pos:])
        return b"".join(out)

    def flush(self) -> bytes:
        """Nothing is held back between steps."""
        return b""
