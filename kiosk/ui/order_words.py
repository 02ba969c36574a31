"""Order statuses in plain words: the one table, for villagers' and owners' screens.

Kept apart from kiosk.ui.errors so the villager's screens can use it without loading the sync
client's error types before the first paint.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.orders import OrderStatus


def status_words(status: OrderStatus) -> str:
    """An order's status in plain words: the one table, for villagers' and owners' screens.

    Written to stand on their own line or after a colon, not inside a sentence.
    """
    words = {
        OrderStatus.PLACED: QCoreApplication.translate("OrderWords", "Placed, waiting to send"),
        OrderStatus.SUBMITTED: QCoreApplication.translate("OrderWords", "Sent to the platform"),
        OrderStatus.ACCEPTED: QCoreApplication.translate(
            "OrderWords", "Accepted by the platform, not shipped yet"
        ),
        OrderStatus.REJECTED: QCoreApplication.translate("OrderWords", "Not taken by the platform"),
        OrderStatus.SHIPPED: QCoreApplication.translate("OrderWords", "Shipped, on the way"),
        OrderStatus.ARRIVED: QCoreApplication.translate("OrderWords", "Arrived, ready for pickup"),
        OrderStatus.PICKED_UP: QCoreApplication.translate("OrderWords", "Picked up"),
        OrderStatus.CANCELLED: QCoreApplication.translate("OrderWords", "Cancelled"),
        OrderStatus.RETURNED: QCoreApplication.translate("OrderWords", "Returned"),
    }
    return words.get(status, status.value)
