"""``python -m focalrd ...`` runs the ``focalrd`` command line."""

import sys

from focalrd.verify.cli import main

if __name__ == "__main__":
    sys.exit(main())
