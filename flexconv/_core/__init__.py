"""The sans-I/O core: operation definitions, encoding, parsing, errors, retries and paging.

Nothing in this package performs I/O, imports an HTTP library or uses ``async``.
"""
