# Shared by the gateway benchmark scripts (sourced, not run): waiting for a server and writing a bench project's spec.
# Expects mock_port to be set.

wait_for() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }

write_spec() { # $1 = project directory; $2 = moderation on (1) or off (0); $3 = SQLite path (default .tailor/tailor.db) or "postgres"
  local store="{provider: sqlite, path: ${3:-.tailor/tailor.db}}"
  # The PostgreSQL store reads its connection string from TAILOR_BENCH_PG_CONNECTION (exported by the caller).
  [ "${3:-}" = postgres ] && store="{provider: postgres, connection_string_env: TAILOR_BENCH_PG_CONNECTION}"
  cat > "$1/tailor.yaml" <<YAML
name: bench
models:
  upstream:
    provider: openai-compatible
    base_url: http://127.0.0.1:$mock_port/v1
    model: mock-model
    options: {max_retries: 0, timeout: 30s}
routes:
  support: upstream
store: $store
YAML
  if [ "$2" = 1 ]; then printf 'moderation:\n  classifiers:\n    - type: detectors\n    - type: local\n' >> "$1/tailor.yaml"; fi
}
