import sys

from labeltool.app.cli import main

sys.exit(main())
