"""Pages about certificates, pledges and advised resignations."""

urlpatterns: list = []
