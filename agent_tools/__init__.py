"""Use cases of the receptionist: plain async functions over typed arguments.

Nothing here knows about HTTP, Retell, Google or Postgres; the edge (``app``) adapts those to the
ports declared in :mod:`agent_tools.ports` and :mod:`calendar_adapter.protocol`.
"""
