"""Exit 0 when MongoDB and Redis answer, 1 otherwise (for container health checks and cron)."""

import json

from django.core.management.base import BaseCommand

from autoauthor import health


class Command(BaseCommand):
    help = (
        "Ping MongoDB and Redis and print their status. Exits 0 when both are ok (Redis may be "
        "disabled with REDIS_ENABLED=false), 1 when either is unavailable."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the checks as JSON.")

    def handle(self, *args, **options):
        checks = {"mongodb": health.check_mongodb(), "redis": health.check_redis()}
        healthy = checks["mongodb"]["status"] == "ok" and checks["redis"]["status"] in (
            "ok",
            "disabled",
        )
        if options.get("json"):
            self.stdout.write(json.dumps({"healthy": healthy, "checks": checks}))
        else:
            for name, check in checks.items():
                details = ", ".join(f"{k}={v}" for k, v in check.items() if k != "status")
                line = f"{name}: {check['status']}" + (f" ({details})" if details else "")
                style = (
                    self.style.SUCCESS
                    if check["status"] in ("ok", "disabled")
                    else (self.style.ERROR)
                )
                self.stdout.write(style(line))
        if not healthy:
            self.stderr.write("unhealthy")
            raise SystemExit(1)
