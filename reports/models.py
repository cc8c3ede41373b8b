"""Models of the reports app; filled by its own issue (see ARCHITECTURE.md for the plan)."""
