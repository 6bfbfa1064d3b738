"""``python -m app.export.pdf``: one report job in this process (see ``app.export.pdf.job``)."""

import sys

from app.export.pdf.job import main

sys.exit(main())
