"""Who may see what: users and agencies, security labels, per-clearance views, the audit log."""
