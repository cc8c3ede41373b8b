"""Pages of the topdown part of 双监督."""

urlpatterns: list = []
