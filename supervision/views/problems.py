"""Pages of the problems part of 双监督."""

urlpatterns: list = []
