"""Pages of the rectification part of 双监督."""

urlpatterns: list = []
