"""Encryption at rest and in transit: sealing, envelope keys, blind indexes, providers, TLS."""
