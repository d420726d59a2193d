"""`python -m sbuv_site` runs the command-line interface."""

import sys

from sbuv_site.cli import main

sys.exit(main())
