"""Every key of the kiosk's ``settings`` table, with its type and default, in one place.

The table holds small facts about this kiosk as text (:class:`kiosk.storage.models.Setting`).
Code reads and writes them through :meth:`kiosk.storage.store.KioskStore.get_setting` and
:meth:`~kiosk.storage.store.KioskStore.set_setting` with the constants below, never with a key
spelt out (``tests/storage/test_settings_keys.py`` checks that). :data:`SETTINGS` says, for each
key, what its text holds and what an absent key means.

This module imports nothing of the project, so every layer (storage, sync, UI) can use it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """What one settings key holds.

    Attributes:
        type: the Python type its text parses to (``str``, ``int``, ``float`` or ``bool``
            stored as ``"1"``/``"0"``).
        default: what an absent (or unparsable) value means, as the code reads it.
        about: one line on what it is and who writes it.
    """

    type: type
    default: str | int | float | bool | None
    about: str


# --- the service center (written at enrollment by the sync engine) ----------------------------

CENTER_ID = "center.id"
CENTER_NAME = "center.name"
#: This PC's number within its center, from central at enrollment (order numbers).
PC_NO = "center.pc_no"
#: Center code used in local order numbers until the kiosk is enrolled.
DEFAULT_CENTER_ID = "LOCAL"

# --- sync (kiosk/sync/engine.py); cursors are opaque server strings ---------------------------

DEVICE_ID = "device.id"
SERVER_URL = "sync.server_url"
CATALOG_CURSOR = "sync.catalog_cursor"
ORDERS_CURSOR = "sync.orders_cursor"
LAST_SUCCESS_AT = "sync.last_success_at"
LAST_ATTEMPT_AT = "sync.last_attempt_at"
LAST_ERROR = "sync.last_error"
LAST_ERROR_CODE = "sync.last_error_code"
CLOCK_OFFSET_S = "sync.clock_offset_s"
#: The server (base URL) that named ``wire.FEATURE_SYNC`` in its replies: with it, a cycle starts
#: with ``POST /v1/sync`` (docs/sync-protocol.md, "One round trip").
ROUND_TRIP_SERVER = "sync.round_trip_server"
#: Why a pull-back is due: ``restore``, ``enroll`` or empty (kiosk/storage/pullback_flag.py).
PULLBACK = "sync.pullback"
PULLBACK_CURSOR = "sync.pullback_cursor"

# --- the metered link (kiosk/storage/data_usage.py); bytes as counted on the wire ----------------

#: The technician's daily data budget in bytes; 0 or absent: no budget. Over it, images wait.
DATA_DAILY_BUDGET = "data.daily_budget_bytes"
#: The local day (``YYYY-MM-DD``) whose bytes :data:`DATA_DAY_BYTES` holds.
DATA_DAY = "data.day"
DATA_DAY_BYTES = "data.day_bytes"
#: The local month (``YYYY-MM``) whose bytes :data:`DATA_MONTH_BYTES` holds.
DATA_MONTH = "data.month"
DATA_MONTH_BYTES = "data.month_bytes"

# --- the rest of the kiosk --------------------------------------------------------------------

#: Outbox sequence up to which browse events were summed into demand events.
DEMAND_CURSOR = "demand.cursor"
RETENTION_DAYS = "privacy.retention_days"
DEFAULT_RETENTION_DAYS = 30
#: Present (value ``"1"``) only in a practice store.
PRACTICE_STORE = "practice.store"
#: The search key format the search index was built with.
SEARCH_KEYS_VERSION = "search.keys_version"
#: The kiosk's language chosen in the first-run wizard (``zh_CN`` / ``en``).
LANGUAGE = "ui.language"
READ_ALOUD_ENABLED = "read_aloud.enabled"
READ_ALOUD_AUTO_PICKUP_CODE = "read_aloud.auto_pickup_code"
READ_ALOUD_VOLUME = "read_aloud.volume"
READ_ALOUD_RATE = "read_aloud.rate"

#: Named counters (:meth:`kiosk.storage.store.KioskStore.next_sequence`) are kept under this
#: prefix, e.g. ``seq.order`` for local order numbers.
SEQUENCE_PREFIX = "seq."
#: The counter of local order numbers.
ORDER_SEQUENCE = "order"
ORDER_SEQUENCE_KEY = SEQUENCE_PREFIX + ORDER_SEQUENCE


SETTINGS: dict[str, SettingSpec] = {
    CENTER_ID: SettingSpec(str, DEFAULT_CENTER_ID, "the center's code (order numbers)"),
    CENTER_NAME: SettingSpec(str, "", "the center's name (slips, screens)"),
    PC_NO: SettingSpec(int, 1, "this PC's number within its center"),
    DEVICE_ID: SettingSpec(str, None, "central's id of this kiosk; absent until enrolled"),
    SERVER_URL: SettingSpec(str, None, "the central service's address; absent: offline kiosk"),
    CATALOG_CURSOR: SettingSpec(str, "", "where the catalog feed resumes"),
    ORDERS_CURSOR: SettingSpec(str, "", "where the order-updates feed resumes"),
    LAST_SUCCESS_AT: SettingSpec(str, None, "UTC time of the last complete sync"),
    LAST_ATTEMPT_AT: SettingSpec(str, None, "UTC time of the last sync attempt"),
    LAST_ERROR: SettingSpec(str, None, "the last sync problem (English, for logs)"),
    LAST_ERROR_CODE: SettingSpec(str, None, "the last sync problem's code (screens)"),
    CLOCK_OFFSET_S: SettingSpec(float, None, "central's clock minus ours, in seconds"),
    ROUND_TRIP_SERVER: SettingSpec(str, None, "the server that offers POST /v1/sync"),
    PULLBACK: SettingSpec(str, "", "why a pull-back is due (restore, enroll) or empty"),
    PULLBACK_CURSOR: SettingSpec(str, "", "where the pull-back resumes"),
    DATA_DAILY_BUDGET: SettingSpec(int, 0, "daily data budget in bytes; 0: none"),
    DATA_DAY: SettingSpec(str, None, "local day of data.day_bytes"),
    DATA_DAY_BYTES: SettingSpec(int, 0, "bytes sent and received on that day"),
    DATA_MONTH: SettingSpec(str, None, "local month of data.month_bytes"),
    DATA_MONTH_BYTES: SettingSpec(int, 0, "bytes sent and received in that month"),
    DEMAND_CURSOR: SettingSpec(int, 0, "outbox seq up to which demand was summed"),
    RETENTION_DAYS: SettingSpec(int, DEFAULT_RETENTION_DAYS, "days personal data is kept"),
    PRACTICE_STORE: SettingSpec(bool, False, "this store is the practice copy"),
    SEARCH_KEYS_VERSION: SettingSpec(int, None, "search key format of the search index"),
    LANGUAGE: SettingSpec(str, None, "language chosen at first run; absent: zh_CN"),
    READ_ALOUD_ENABLED: SettingSpec(bool, False, "speaker buttons shown and working"),
    READ_ALOUD_AUTO_PICKUP_CODE: SettingSpec(bool, False, "pickup code read by itself"),
    READ_ALOUD_VOLUME: SettingSpec(int, 100, "percent of normal loudness"),
    READ_ALOUD_RATE: SettingSpec(int, 100, "percent of normal speed"),
    ORDER_SEQUENCE_KEY: SettingSpec(int, 0, "the last local order number given"),
}
