"""Circulation software for a small public library.

The pieces, from the bottom up: identifiers and money (``ids``, ``money``), the opening
calendar (``hours``), the catalogue and its search (``catalog``, ``search``), members and the
lending rules (``members``, ``policies``), loans, fines and holds (``loans``, ``fines``,
``holds``), the messages sent to members (``notifications``), reports, persistence
(``storage``) and the front desk's single entry point (``service.Library``).
"""
