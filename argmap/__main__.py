"""``python -m argmap`` and the ``argmap`` console script."""

import sys

from argmap.cli import main

if __name__ == "__main__":
    sys.exit(main())
