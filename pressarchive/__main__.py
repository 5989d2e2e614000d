"""Run the command-line interface: ``python -m pressarchive``."""
from pressarchive.cli import main

if __name__ == "__main__":  # not when a worker process (multiprocessing, spawn) imports it
    main()
