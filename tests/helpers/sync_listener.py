"""A sync listener for tests: records the names of what it hears, in order."""

from __future__ import annotations

from kiosk.sync.engine import SyncProgress, SyncSummary


class NameRecorder:
    """Appends ``online``, ``offline``, ``finished`` (and ``progress`` when asked) to ``names``."""

    def __init__(self, names: list[str], *, progress: bool = False) -> None:
        self.names = names
        self.progress = progress
        self.summaries: list[SyncSummary] = []

    def on_progress(self, progress: SyncProgress) -> None:
        if self.progress:
            self.names.append("progress")

    def on_finished(self, summary: SyncSummary) -> None:
        self.summaries.append(summary)
        self.names.append("finished")

    def on_online(self) -> None:
        self.names.append("online")

    def on_offline(self) -> None:
        self.names.append("offline")
