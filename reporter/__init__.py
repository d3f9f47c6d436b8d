"""Peluit: reporter."""
