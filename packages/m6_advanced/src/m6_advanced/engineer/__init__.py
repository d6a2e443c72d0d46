"""The Autonomous Engineer (issue → tested patch): built piece by piece; the edit tool first."""
