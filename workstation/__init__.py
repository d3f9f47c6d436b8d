"""Peluit: workstation."""
