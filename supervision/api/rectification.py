"""API of the rectification part of 双监督."""


def register(router) -> None:
    """Register this part's viewsets on the /api/v1/ router."""
