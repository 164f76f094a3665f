"""Who may do what: permissions per role, deny by default; the authorize() decision."""
