"""``python -m argmap`` and the ``argmap`` console script."""

import os
import sys

# OpenBLAS starts a thread per core when numpy is imported, and those threads
# spin on every small matrix product: argmap's products are small (a batch of
# clique tables), so they cost CPU time (40 ms at start-up, a third of the
# band's time on 2 cores) and gain nothing. Set before numpy is imported; a
# value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from argmap.cli import main

if __name__ == "__main__":
    sys.exit(main())
