"""``python -m newsarchive`` is the ``newsarchive`` command."""

import sys

from newsarchive.cli import main

sys.exit(main())
