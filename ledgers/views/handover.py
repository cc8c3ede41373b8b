"""Pages of the ledger: handover (filled by its own step of the ledgers issue)."""

urlpatterns: list = []
