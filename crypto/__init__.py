"""Peluit: crypto."""
