"""Synthetic demo data and seeding a demo tenant through the real services."""
