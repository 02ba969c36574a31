"""``python -m central``: the same as the ``kiosk-central`` command."""

import sys

from central.cli import main

sys.exit(main())
