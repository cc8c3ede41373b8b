"""Pages of the ledger: registers (filled by its own step of the ledgers issue)."""

urlpatterns: list = []
