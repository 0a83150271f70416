"""Erlang B, C and A closed forms (see :mod:`sim._erlang` for notation and definitions)."""

from ._erlang import QueueMetrics, erlang_a, erlang_b, erlang_c

__all__ = ["QueueMetrics", "erlang_a", "erlang_b", "erlang_c"]
