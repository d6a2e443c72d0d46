"""Working-day arithmetic for the support desk's service level agreements."""
