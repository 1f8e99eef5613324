"""crmdesk: joins a sales rep's CalDAV calendar to the company CRM."""

__version__ = "0.1.0"
