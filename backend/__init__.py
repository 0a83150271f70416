"""ccbench backend package (see README.md, Architecture)."""

__all__: list[str] = []
