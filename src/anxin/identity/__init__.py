"""Identity: staff users, passwords, sessions and gateway service accounts."""
