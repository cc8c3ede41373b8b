"""Pages of the ledger: disclosure (filled by its own step of the ledgers issue)."""

urlpatterns: list = []
