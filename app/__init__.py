"""The edge and the wiring: HTTP routes, signatures, settings, stores, logging."""
