"""Operation definitions, one module per product area."""
