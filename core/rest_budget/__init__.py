"""Discord's REST limits shared by every process on one bot token (see `budget.RestBudget`)."""
