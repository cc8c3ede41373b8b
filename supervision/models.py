"""Models of the supervision app; filled by its own issue (see ARCHITECTURE.md for the plan)."""
