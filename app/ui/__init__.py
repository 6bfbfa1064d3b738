"""The desktop interface: every widget, Qt model and resource loader lives here, and only here."""
