"""/api/v1/ endpoints of the ledgers app (一账)."""
