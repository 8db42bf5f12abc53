"""Peak memory of the stack's processes (API, jobs worker, embedded MongoDB), from /proc."""

import threading
from pathlib import Path


def process_tree(pid: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_kind(pid: int) -> str:
    """ "mongodb" (the embedded server), "worker" (the Celery jobs worker) or "api"."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    if b"embedded_mongo" in cmdline:
        return "mongodb"
    return "worker" if b"celery" in cmdline else "api"


class RssSampler(threading.Thread):
    """Samples the summed RSS of the API processes (gunicorn), of the jobs worker and of the
    database separately."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak = {"api": 0, "worker": 0, "mongodb": 0}  # KiB
        self._stop = threading.Event()

    def run(self):
        while not self._stop.is_set():
            now = dict.fromkeys(self.peak, 0)
            for pid in process_tree(self.root_pid):
                kind = process_kind(pid)
                if pid != self.root_pid and kind in now:
                    now[kind] += rss_kib(pid)
            self.peak = {kind: max(self.peak[kind], now[kind]) for kind in self.peak}
            self._stop.wait(0.25)

    def stop(self):
        self._stop.set()
        self.join()
