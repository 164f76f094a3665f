"""Anxin: a contact-center data platform that keeps customer data safe while agents serve."""

__version__ = "0.1.0"
