"""Peluit: vault."""
