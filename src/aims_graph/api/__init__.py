"""The HTTP API (FastAPI); the only package besides cli.py that imports a web framework."""
