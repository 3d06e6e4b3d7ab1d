"""``python -m devstack``: run the local stack in the foreground (what ``make dev`` runs)."""

import sys

from devstack.supervisor import main

sys.exit(main())
