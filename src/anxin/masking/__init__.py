"""Masking styles for displaying personal data to people who need only part of it."""
