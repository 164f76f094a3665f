"""Key management operations: status, rotation, verification (`anxin keys`)."""
