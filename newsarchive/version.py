"""newsarchive's version, in a module of its own so that any module may import it."""

__all__ = ["__version__"]

# pyproject.toml's version; the User-Agent and every record's parser_version carry it.
__version__ = "0.4.0"
