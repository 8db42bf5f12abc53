"""The domain core: what services, selectors and commands share without knowing about HTTP.

`errors` (domain errors with a code and a kind, no HTTP status), `context` (who is acting, a
ContextVar), `ids` (MongoDB id parsing) and `database` (telling an unreachable database from a
bug). Nothing here imports DRF or `autoauthor.api`; `autoauthor.api.exceptions` is the one place
that turns a domain error's kind into an HTTP status.
"""
