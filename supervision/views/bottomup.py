"""Pages of the bottomup part of 双监督."""

urlpatterns: list = []
