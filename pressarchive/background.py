"""The work an add leaves to the background: ``python -m pressarchive.background HOME``.

``index.start_merge`` starts it in a detached process (this interpreter, this package's folder first on
PYTHONPATH, settings passed in the environment). It runs ``index.compact`` as an add's run does: new
terms into the lexicon, small segments merged once six are small, giving way to a writer. Its stderr is
``<home>/.background.log``: a failure leaves one line there (an import failure leaves Python's own
message), which `check` reports; a run that succeeds empties the log.
"""
from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    warnings.simplefilter("ignore")  # stderr is the failure log: only failures go there
    if len(argv) != 2:
        print("usage: python -m pressarchive.background HOME", file=sys.stderr)
        return 2
    home = Path(argv[1])
    try:
        from pressarchive import index
        from pressarchive.archive import Archive
        from pressarchive.settings import Settings

        index.compact(Archive(home, Settings.from_env()), merge_at=index.MERGE_AT, give_way=True)
    except Exception as err:  # noqa: BLE001 - reported by `check`, one line
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        message = getattr(err, "message", None) or str(err)
        print(f"{stamp} background compact failed: {type(err).__name__}: {message}".splitlines()[0],
              file=sys.stderr)
        return 1
    index.clear_background_failure(home)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
