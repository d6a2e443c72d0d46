"""Month 4: generative AI. A library that months 5 and 6 build on, plus the month's lessons.

The library (importable by any member):

- ``llm``: one ``ChatModel`` interface (local, OpenAI-compatible, scripted) and typed ``Tool`` specs;
- ``retrieval``: documents → chunks → ``ChunkIndex`` (Chroma vectors + BM25) → ``Searcher``;
- ``rag``: the chain that answers from sources and cites them, or says "I don't know";
- ``golden``: golden questions, scoring and the "I don't know" calibration;
- ``errors`` and ``testing`` (fakes for tests: an OpenAI-compatible server, a PDF writer).

The month's own material, which the library never imports (``tests/test_boundaries.py``):

- ``lessons``: BPE from scratch, tokenisation, hand-made similarity and analogies, prompting;
- ``cli``: the commands ``rag``, ``ask-repo``, ``tokenizer-compare``, ``prompting-demo``.
"""
