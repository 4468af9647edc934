"""briefgen: cited policy briefs from hand-curated YAML."""

__version__ = "0.1.0"
