"""Pages of the warnings part of 双监督."""

urlpatterns: list = []
