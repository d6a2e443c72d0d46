"""Month 5's console scripts: ``agent-chat``, ``software-house``, ``research`` (thin ``main``s around
the library's ``run(config)``)."""
