"""The shop owner's and the technician's screens, always behind a PIN (docs/operating.md, "Locks").

Villager mode is the default; :class:`kiosk.ui.admin.area.AdminArea` holds every admin screen and
shows one only after :func:`kiosk.storage.admin.verify_pin` said yes for that role.
"""
