"""piarules' version, in a module of its own: low-level modules (the caches) read it without
importing the package root, whose public names stand for the whole API."""

__version__ = "0.1.0"
