"""Push notifications for the shop's mobile app: templates, shortening and payloads."""
