"""One module per rule family; importing this package registers every rule."""

from . import cells, cross, plausibility, publication, structure, t3, t4  # noqa: F401
