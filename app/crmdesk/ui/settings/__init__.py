"""Settings dialogs: each page loads, checks and saves a copy of Settings."""
