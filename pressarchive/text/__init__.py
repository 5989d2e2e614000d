"""Text helpers shared by the ingester, the index and search, one copy each (leaves: they import
nothing of pressarchive): ``cjk`` (the Han ranges), ``script`` (traditional -> simplified), ``names``
(name keys and Chinese surnames)."""
