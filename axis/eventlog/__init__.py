"""The tamper-evident delivery log (docs/delivery-log.md).

Every transition of a document and of each of its deliveries is an event (kinds.py), written
by the store inside the transaction that makes it true, chained by hash (chain.py) and sealed
periodically by a hub-signed checkpoint (seal.py, sealer.py). ``axis log verify`` walks the
chain; ``axis evidence`` exports one document's proof (evidence.py); ``axis queue`` and
``axis stats`` read the store's aggregates (stats.py has the working-day rules).
"""
