"""Village Kiosk (村站): offline-first kiosk for village e-commerce service centers."""

__version__ = "0.1.0"
