"""``python -m xxgk``: the same as the ``xxgk`` command."""

from .cli_files import main

main()
