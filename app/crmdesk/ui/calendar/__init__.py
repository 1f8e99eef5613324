"""The Calendar tab: a painted week grid and a day-grouped agenda."""
