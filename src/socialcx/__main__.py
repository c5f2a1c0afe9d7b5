"""``python -m socialcx``: the ``socialcx`` command."""

from socialcx.cli import main

raise SystemExit(main())
