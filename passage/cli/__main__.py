"""`python -m passage.cli` runs the `passage` command."""

import sys

from passage.cli.main import main

sys.exit(main())
