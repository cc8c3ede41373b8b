"""Pages of the ledger, one module per part; each module ends with its `urlpatterns`."""
