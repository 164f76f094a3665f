"""The auditor's and the data-protection officer's use of the audit log: search, export,
reports, checkpoints and proofs, each authorized and itself recorded in the log."""
