"""``python -m kiosk`` runs the kiosk command line."""

import sys

from kiosk.cli import main

sys.exit(main())
