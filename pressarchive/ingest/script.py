"""Traditional -> simplified Chinese, for recognising labels, titles and names (the stored text keeps
its script). A leaf module: every part of the ingester may import it.
"""
from __future__ import annotations

from pressarchive.text.script import to_simplified  # noqa: F401 - the package's one converter


def restore_script(found, attrs: tuple[str, ...], original: str, simplified: str):
    """Give ``found``'s ``attrs`` (strings recognised in ``simplified``) back in ``original``'s script.

    Only where folding kept every character in place (the same length) and changed something; else
    ``found`` is returned as it is."""
    if found is None or original == simplified or len(original) != len(simplified):
        return found
    for attr in attrs:
        value = getattr(found, attr)
        at = simplified.find(value) if value else -1
        if at >= 0:
            setattr(found, attr, original[at: at + len(value)])
    return found
