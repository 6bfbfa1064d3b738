"""`python -m app` starts the desktop application (or any CLI command given)."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["gui"]))
