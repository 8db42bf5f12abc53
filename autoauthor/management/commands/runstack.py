"""`make run`: embedded MongoDB (unless MONGODB_URI is set), migrations, demo users, gunicorn
and a Celery worker for the background jobs."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from autoauthor.embedded_mongo import EmbeddedMongo


class Command(BaseCommand):
    help = (
        "Start everything `make run` needs: the embedded MongoDB server (SQLite engine, data in "
        "var/) when MONGODB_URI is unset, migrations, the demo accounts, then gunicorn and a "
        "Celery worker (background jobs). Ctrl-C stops everything it started."
    )
    requires_system_checks: list = []

    def handle(self, *args, **options):
        var = Path(settings.BASE_DIR) / "var"
        var.mkdir(exist_ok=True)
        env = dict(os.environ)
        mongo = None if os.environ.get("MONGODB_URI") else self._start_mongo(var, env)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        gunicorn = None
        worker = None
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
            if settings.DEBUG:  # demo accounts have published passwords: development only
                subprocess.run([*manage, "seed_demo"], env=env, check=True)
            gunicorn = subprocess.Popen(gunicorn_command(), env=env)
            worker = subprocess.Popen(worker_command(), env=env)
            self._print_addresses(env)
            while not stopping and gunicorn.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        except subprocess.CalledProcessError as exc:
            raise CommandError(
                f"{' '.join(exc.cmd[1:3])} failed with exit code {exc.returncode}"
            ) from exc
        finally:
            for process in (gunicorn, worker):
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in (gunicorn, worker):
                _stop(process)
            if mongo is not None:
                mongo.stop()
            self.stdout.write("Stopped.")

    def _start_mongo(self, var: Path, env: dict) -> EmbeddedMongo:
        """Start and supervise the embedded server; its URI goes to ``env["MONGODB_URI"]``."""
        engine = settings.EMBEDDED_MONGO_ENGINE
        mongo = EmbeddedMongo(
            engine=engine,
            path=settings.EMBEDDED_MONGO_PATH if engine == "sqlite" else None,
            port=settings.EMBEDDED_MONGO_PORT,
            log_file=str(var / "mongo.log"),
        )
        try:
            env["MONGODB_URI"] = mongo.start(timeout=120)
        except Exception as exc:
            raise CommandError(
                f"Embedded MongoDB did not start: {exc} (see var/mongo.log)"
            ) from exc
        mongo.supervise()
        self.stdout.write(
            f"Embedded MongoDB ({engine} engine"
            + (f", {settings.EMBEDDED_MONGO_PATH}" if engine == "sqlite" else "")
            + f") at {env['MONGODB_URI']}"
        )
        return mongo

    def _print_addresses(self, env: dict) -> None:
        bind = env.get("GUNICORN_BIND", f"127.0.0.1:{env.get('PORT', '8000')}")
        self.stdout.write(
            f"\nAuto Author API:  http://{bind}/api/v1/\n"
            f"Swagger UI:       http://{bind}/docs\n"
            f"ReDoc:            http://{bind}/redoc\n"
            f"Admin:            http://{bind}/admin/\n"
            f"Health:           http://{bind}/api/v1/health\n"
            f"Jobs worker:      Celery, {settings.CELERY_WORKER_CONCURRENCY} threads, broker "
            f"{_redacted(settings.CELERY_BROKER_URL)}\n"
            "Press Ctrl-C to stop.\n"
        )


def gunicorn_command() -> list[str]:
    """gunicorn serving the WSGI app with autoauthor/gunicorn_conf.py (workers, threads, bind)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "autoauthor.wsgi:application",
        "-c",
        str(Path(settings.BASE_DIR) / "autoauthor" / "gunicorn_conf.py"),
    ]


def worker_command() -> list[str]:
    """The Celery worker `make run` starts: the threads pool (one process; no fork of a
    process that already holds a MongoClient), CELERY_WORKER_CONCURRENCY threads."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "autoauthor",
        "worker",
        "--pool",
        "threads",
        "--concurrency",
        str(settings.CELERY_WORKER_CONCURRENCY),
        "--hostname",
        "worker@%h",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]


def _stop(process) -> None:
    """Wait for a terminated process (a worker finishes its running jobs), kill it after 15 s."""
    if process is None:
        return
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _redacted(url: str) -> str:
    """`url` without its password."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return f"{scheme}{sep}{rest}"
