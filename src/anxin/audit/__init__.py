"""The audit log: every access to customer data, recorded in the same transaction."""
