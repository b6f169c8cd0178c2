"""`python -m generator` is `topowire`."""

import sys

from .cli import main

sys.exit(main())
