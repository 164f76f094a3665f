"""Storage: engine and units of work, the declarative base, tenant scoping, migrations."""
