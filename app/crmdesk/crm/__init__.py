"""CRM side: the Connector protocol and one module per CRM."""
