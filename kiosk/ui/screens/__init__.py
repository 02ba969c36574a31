"""The villager's screens. Each takes :class:`kiosk.ui.services.KioskServices` and emits signals
that the window (:mod:`kiosk.ui.window`) turns into navigation."""
