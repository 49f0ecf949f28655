"""``python -m flexconv`` runs the ``flexconv`` command."""

import sys

from flexconv.cli import main

sys.exit(main())
