"""Synchronize from the GUI: the worker runner and the collision dialog."""
