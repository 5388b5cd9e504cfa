"""``python -m tracker.cli``: the same as the ``reptrack`` command."""

import sys

from tracker.cli.main import main

sys.exit(main())
