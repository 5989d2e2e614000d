"""Traditional -> simplified Chinese, for recognising labels, titles and names (the stored text keeps
its script). A leaf module: every part of the ingester may import it.
"""
from __future__ import annotations

from pressarchive.text.script import to_simplified  # noqa: F401 - the package's one converter
