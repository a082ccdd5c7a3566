"""The JSON API's answers as plain dicts, one module per resource, built from the domain.

No web framework here: the routers in ``api/`` parse the request, call one function of these
modules with the shared :class:`~aims_graph.views.index.ViewIndex`, and render the result.
"""

from aims_graph.views.errors import AmbiguousItemError, ApiInputError, CatalogError, NotFoundError
from aims_graph.views.index import ViewIndex

__all__ = ["AmbiguousItemError", "ApiInputError", "CatalogError", "NotFoundError", "ViewIndex"]
