"""Run the command-line interface: ``python -m pressarchive``."""
from pressarchive.cli import main

main()
