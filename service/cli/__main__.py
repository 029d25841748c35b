"""`python -m service.cli`: how the demo and the tests start the service as a child process."""

import sys

from service.cli import main

sys.exit(main())
