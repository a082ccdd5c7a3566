"""aims-graph: an open knowledge graph crosswalk for AI governance."""

__version__ = "0.1.0"
