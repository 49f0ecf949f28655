"""The lifecycle engines for `AsyncFlexConv` (the one source; ``_sync`` is generated from it)."""
