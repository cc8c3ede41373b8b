"""Pages of the cycle part of 双监督."""

urlpatterns: list = []
