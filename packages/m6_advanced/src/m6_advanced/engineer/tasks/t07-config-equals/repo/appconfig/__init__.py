"""Reading the service's INI-style settings, with environment overrides."""
