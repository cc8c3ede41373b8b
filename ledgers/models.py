"""Models of the ledgers app; filled by its own issue (see ARCHITECTURE.md for the plan)."""
