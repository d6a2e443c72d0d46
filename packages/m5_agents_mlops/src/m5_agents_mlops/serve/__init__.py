"""Month 5b: serving months 2–4's models over HTTP (``uv run serve``).

``app.create_app`` builds the FastAPI app; ``config.ServeConfig`` says which models to load;
``routes`` (MNIST, Titanic, embeddings, RAG) and ``openai_api`` (OpenAI-compatible chat, with
``openai_stream``, ``openai_options``, ``openai_errors`` and ``chat_turns``) answer;
``batching`` groups concurrent MNIST requests; ``telemetry`` exports Prometheus metrics and JSON
logs; ``server`` runs it all under uvicorn.
"""
