"""Test helpers that ship with the library, injected through parameters (never by patching):

- ``fake_openai_server.FakeOpenAIServer``: an OpenAI-compatible HTTP server on 127.0.0.1 with
  canned replies, streams, tool calls and error sequences;
- ``pdf_writer.make_pdf``: a real, minimal PDF with the text you give (loader tests).
- ``chat``: one question and one ``add`` tool (spec and call) for tool-calling tests.

The scripted chat models live with the others in ``m4_genai.llm.scripted``.
"""
