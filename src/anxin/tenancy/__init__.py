"""Tenants: the isolation boundary. Created by the platform operator, who never reads their data."""
