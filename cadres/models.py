"""Models of the cadres app; filled by its own issue (see ARCHITECTURE.md for the plan)."""
