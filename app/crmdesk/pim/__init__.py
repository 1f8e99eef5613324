"""CalDAV side: discovery, incremental reads, guarded writes, iCalendar mapping."""
