"""Data for the grammar: unit definitions, lexicons and phrase lists (no code)."""
