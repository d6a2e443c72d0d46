"""Month 5: agents: typed tools, one agent loop, LangChain vs LangGraph, a software house, a research assistant."""
