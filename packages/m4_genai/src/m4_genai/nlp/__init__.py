"""Natural-language processing on top of the month 4 library: summarisation, sentiment, a RAG chatbot."""
