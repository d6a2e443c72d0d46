"""Month 6: orchestration patterns, evaluation of LLM systems, memory and planning."""
