"""Peluit: receipts."""
