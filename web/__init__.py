"""Peluit: web."""
