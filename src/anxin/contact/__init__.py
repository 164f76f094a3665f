"""Customers, conversations, messages, tickets and the repeat-caller lookup."""
