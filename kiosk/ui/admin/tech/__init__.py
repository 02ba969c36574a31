"""The technician screen's tabs, one widget each (docs/architecture.md, "The technician
screen's modules").

:class:`kiosk.ui.admin.technician.TechnicianScreen` builds them and shows what they say.
"""
