"""pymongo pool monitoring: pool and connection lifecycle at INFO, checkout/checkin at DEBUG,
checkout failures and pool clearing at WARNING. Also keeps per-process pool counters (current and
peak checked-out connections, checkout failures) that health and benchmarks read."""

import logging
import threading

from pymongo import monitoring

logger = logging.getLogger("autoauthor.mongo.pool")


class PoolStats:
    """Per-process counters of connection checkouts; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.checked_out = 0
            self.peak_checked_out = 0
            self.open_connections = 0
            self.peak_open_connections = 0
            self.checkout_failures = 0

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "checked_out": self.checked_out,
                "peak_checked_out": self.peak_checked_out,
                "open_connections": self.open_connections,
                "peak_open_connections": self.peak_open_connections,
                "checkout_failures": self.checkout_failures,
            }

    def _change(self, *, checked_out: int = 0, opened: int = 0, failed: int = 0):
        with self._lock:
            self.checked_out += checked_out
            self.peak_checked_out = max(self.peak_checked_out, self.checked_out)
            self.open_connections += opened
            self.peak_open_connections = max(self.peak_open_connections, self.open_connections)
            self.checkout_failures += failed


pool_stats = PoolStats()


class PoolLogger(monitoring.ConnectionPoolListener):
    def pool_created(self, event):
        logger.info("MongoDB pool created for %s (options %s)", event.address, event.options)

    def pool_ready(self, event):
        logger.debug("MongoDB pool ready for %s", event.address)

    def pool_cleared(self, event):
        logger.warning("MongoDB pool cleared for %s", event.address)

    def pool_closed(self, event):
        logger.info("MongoDB pool closed for %s", event.address)

    def connection_created(self, event):
        pool_stats._change(opened=1)
        logger.info("MongoDB connection %s created to %s", event.connection_id, event.address)

    def connection_ready(self, event):
        logger.debug("MongoDB connection %s ready", event.connection_id)

    def connection_closed(self, event):
        pool_stats._change(opened=-1)
        logger.info(
            "MongoDB connection %s to %s closed (%s)",
            event.connection_id,
            event.address,
            event.reason,
        )

    def connection_check_out_started(self, event):
        logger.debug("MongoDB checkout started for %s", event.address)

    def connection_check_out_failed(self, event):
        pool_stats._change(failed=1)
        logger.warning("MongoDB connection checkout failed for %s: %s", event.address, event.reason)

    def connection_checked_out(self, event):
        pool_stats._change(checked_out=1)
        logger.debug("MongoDB connection %s checked out", event.connection_id)

    def connection_checked_in(self, event):
        pool_stats._change(checked_out=-1)
        logger.debug("MongoDB connection %s checked in", event.connection_id)


_registered = False


def register() -> None:
    """Register the listeners globally (once) before the first MongoClient is created."""
    global _registered
    if not _registered:
        monitoring.register(PoolLogger())
        _registered = True
