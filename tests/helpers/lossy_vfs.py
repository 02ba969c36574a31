"""An APSW VFS that models a power cut: writes not yet synced are lost.

Every file opened through :class:`LossyVFS` keeps its writes in memory (a shadow of the file) and
applies them to the real file only when SQLite calls ``xSync``. :meth:`LossyVFS.cut_power` then
plays the power cut: each file's unsynced writes are dropped (or, optionally, a random subset of
them survives, as a disk cache may have flushed some on its own), and every later I/O call fails
with ``SQLITE_IOERR``, so nothing more reaches the disk. What the real files hold afterwards is
exactly what a disk could hold after the cut.

Shared memory (the ``-shm`` wal-index) is not durable on a real machine either; the VFS inherits
the default VFS for it, and the test deletes the ``-shm`` file after a cut, as a reboot would.
"""

from __future__ import annotations

import random
import threading

import apsw

#: SQLITE_FCNTL_* opcodes that would let SQLite reach the real file around our shadow (memory
#: mapping, size hints that extend the file): refused so every byte goes through xWrite.
_FCNTL_BYPASS = {5, 18}  # SQLITE_FCNTL_SIZE_HINT, SQLITE_FCNTL_MMAP_SIZE


class PowerIsOff(apsw.IOError):
    """Raised by every file operation after the cut."""


class LossyFile(apsw.VFSFile):
    """One open file whose writes stay in memory until ``xSync``."""

    def __init__(self, vfs: LossyVFS, name: apsw.URIFilename | str | None, flags: list[int]):
        super().__init__(vfs.base_name, name, flags)
        self._vfs = vfs
        size = super().xFileSize()
        # The file as SQLite sees it; the real file is only what was synced.
        self._shadow = bytearray(super().xRead(size, 0)) if size else bytearray()
        # Unsynced writes in order, and whether the size changed since the last sync.
        self._pending: list[tuple[int, bytes]] = []
        self._resized = False
        self._closed = False
        vfs.files.append(self)

    def _check(self) -> None:
        if self._vfs.power_off:
            raise PowerIsOff("the power is off")

    def xRead(self, amount: int, offset: int) -> bytes:
        """Read from the shadow; SQLite expects zero fill (and SHORT_READ) past the end."""
        self._check()
        # A short result past the end becomes SQLITE_IOERR_SHORT_READ with zero fill (APSW).
        return bytes(self._shadow[offset : offset + amount])

    def xWrite(self, data: bytes, offset: int) -> None:
        """Write to the shadow only; the disk sees it at the next sync."""
        self._check()
        self._vfs.on_write()
        end = offset + len(data)
        if end > len(self._shadow):
            self._shadow.extend(b"\0" * (end - len(self._shadow)))
        self._shadow[offset:end] = data
        self._pending.append((offset, bytes(data)))

    def xTruncate(self, newsize: int) -> None:
        """Truncate the shadow; the real file follows at the next sync."""
        self._check()
        del self._shadow[newsize:]
        self._resized = True

    def xFileSize(self) -> int:
        """The size SQLite has written, synced or not."""
        self._check()
        return len(self._shadow)

    def xSync(self, flags: int) -> None:
        """Make every pending write durable: apply it to the real file, then fsync."""
        self._check()
        self._vfs.syncs += 1
        for offset, data in self._pending:
            super().xWrite(data, offset)
        if self._resized or super().xFileSize() != len(self._shadow):
            super().xTruncate(len(self._shadow))
        self._pending.clear()
        self._resized = False
        super().xSync(flags)

    def xFileControl(self, op: int, ptr: int) -> bool:
        """Pass file controls to the real file, except those that bypass the shadow."""
        if op in _FCNTL_BYPASS:
            return False
        return bool(super().xFileControl(op, ptr))

    def xClose(self) -> None:
        """Close, unless writes are still unsynced: closing does not make them durable."""
        if self._pending and not self._vfs.power_off:
            # Keep the handle so a later cut can still drop (or keep) them, as the page cache would.
            self._closed = True
            return
        self._release()

    def _release(self) -> None:
        if self in self._vfs.files:
            self._vfs.files.remove(self)
        super().xClose()

    def lose_unsynced(self, rng: random.Random | None, keep: float) -> int:
        """The cut: apply a random ``keep`` share of unsynced writes (none by default).

        Returns:
            How many unsynced writes were dropped.
        """
        kept = 0
        for offset, data in self._pending:
            if rng is not None and rng.random() < keep:
                super().xWrite(data, offset)
                kept += 1
        dropped = len(self._pending) - kept
        self._pending.clear()
        if self._closed:
            self._release()
        return dropped


class LossyVFS(apsw.VFS):
    """A VFS over the default one whose files lose unsynced writes at :meth:`cut_power`.

    Args:
        name: the VFS name to open connections with (``vfs=name``).
        cut_after_writes: if set, the power goes off just before that many more ``xWrite`` calls
            complete, wherever SQLite is (mid-transaction, mid-commit, mid-checkpoint).
    """

    def __init__(self, name: str = "lossy", cut_after_writes: int | None = None) -> None:
        self.base_name = ""  # the default VFS
        super().__init__(name, self.base_name)
        self.vfs_name = name
        self.files: list[LossyFile] = []
        self.power_off = False
        self.writes = 0
        self.syncs = 0
        self.dropped = 0
        self.cut_after_writes = cut_after_writes
        self._lock = threading.Lock()

    def xOpen(self, name: apsw.URIFilename | str | None, flags: list[int]) -> LossyFile:
        """Open a file whose writes wait for ``xSync``."""
        if self.power_off:
            raise PowerIsOff("the power is off")
        return LossyFile(self, name, flags)

    def xDelete(self, filename: str, syncdir: bool) -> None:
        """Deleting is a write too: refused once the power is off."""
        if self.power_off:
            raise PowerIsOff("the power is off")
        super().xDelete(filename, syncdir)

    def on_write(self) -> None:
        """Count a write; cut the power when the planned cut point is reached."""
        with self._lock:
            self.writes += 1
            if self.cut_after_writes is not None and self.writes > self.cut_after_writes:
                self.cut_power()
                raise PowerIsOff("the power went off during this write")

    def cut_power(self, rng: random.Random | None = None, keep: float = 0.0) -> int:
        """Cut the power: unsynced writes are lost and all later I/O fails.

        Args:
            rng: with ``keep``, chooses which unsynced writes happened to reach the disk anyway.
            keep: the share of unsynced writes that survive (0: none, the harshest case).

        Returns:
            How many unsynced writes were dropped in all files.
        """
        if self.power_off:
            return 0
        self.power_off = True
        for f in list(self.files):
            self.dropped += f.lose_unsynced(rng, keep)
        return self.dropped
