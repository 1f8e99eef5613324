"""The first-run wizard: CRM, calendar, sync windows, then a first sync."""
