"""The async client: the one hand-written source of every public method.

``flexconv/_sync`` is generated from this package by ``scripts/unasync.py``.
"""
