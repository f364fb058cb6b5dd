"""``python -m pushpull`` runs the command line."""

from pushpull.cli import main

main()
