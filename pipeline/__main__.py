import sys

from .cli import main

# Guarded: Dask's worker processes start by spawning, which imports the parent's main module.
if __name__ == "__main__":
    sys.exit(main())
