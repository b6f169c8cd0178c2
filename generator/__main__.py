"""`python -m generator` is `topogen`."""

import sys

from .cli import main

sys.exit(main())
