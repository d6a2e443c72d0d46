"""Order fulfilment for a small online store's warehouse ("the depot").

An order's way through the depot: it is placed (``orders``), its lines are allocated to
stock in bins (``inventory``, ``allocation``), picked along the aisles (``picking``), packed
into boxes (``packing``), rated and shipped (``shipping``), and invoiced with sales tax
(``tax``, ``invoicing``). ``returns`` takes goods back; ``reports`` sums it all up;
``service.Depot`` is the one entry point the web shop calls.
"""
