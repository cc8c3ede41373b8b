"""API of the documents part of the reports app."""


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
