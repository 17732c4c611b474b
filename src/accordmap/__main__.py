import sys

from accordmap.cli import main

sys.exit(main())
