"""What every package needs and nothing domain-specific: clock, ids, errors, principal."""
