"""Encryption at rest and in transit: AEAD sealing, envelope keys, blind indexes, key providers, certificates."""
