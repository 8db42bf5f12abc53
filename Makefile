# Two commands for a new user: `make run` and `make test` (see README.md).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint format schema bench fuzz clean requirements

run:
	@UV=$$(bin/bootstrap | tail -1) || exit 1; \
	bin/ensure-dotenv || exit 1; \
	bin/ensure-redis || echo "Redis unavailable: rate limits fall back to per-process counting"; \
	DEBUG=$${DEBUG:-true} exec $$UV run --frozen python manage.py runstack

# The suite runs on the engine `make run` serves (SQLite); EMBEDDED_MONGO_ENGINE=memory runs it
# on the memory engine (.ci/run runs both).
test:
	@UV=$$(bin/bootstrap | tail -1) && bin/ensure-redis && \
	EMBEDDED_MONGO_ENGINE=$(or $(EMBEDDED_MONGO_ENGINE),sqlite) \
	$$UV run --frozen python -m pytest $(PYTEST_ARGS)

# The schema fuzzer also runs in `make test` (25 examples per operation); this is a deeper run.
fuzz:
	@UV=$$(bin/bootstrap | tail -1) && bin/ensure-redis && \
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-150} $$UV run --frozen python -m pytest tests/fuzz $(PYTEST_ARGS)

lint:
	@UV=$$(bin/bootstrap | tail -1) && $$UV run --frozen ruff check . && $$UV run --frozen ruff format --check .

format:
	@UV=$$(bin/bootstrap | tail -1) && $$UV run --frozen ruff format . && $$UV run --frozen ruff check --fix .

schema:
	@UV=$$(bin/bootstrap | tail -1) && bin/ensure-dotenv && DEBUG=true $$UV run --frozen python manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml

clean:
	rm -rf var/static var/openapi.yaml

bench:
	@UV=$$(bin/bootstrap | tail -1) && $$UV run --frozen python bench/run.py $(BENCH_ARGS)

requirements:
	@UV=$$(bin/bootstrap | tail -1) && $$UV export --frozen --no-dev --no-emit-project --no-header --quiet -o requirements.txt
