"""Month 6 evaluation: the RAGAS metrics (``metrics``), their judges (``judges``), and the
``eval-rag`` harness built on them."""
