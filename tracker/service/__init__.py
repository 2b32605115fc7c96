"""The long-running service behind `tracker run`.

runner.py     the process: standby/leader loop, signals, clean stop; `--once`
leader.py     one active scheduler per database (file lock for SQLite, advisory lock for PostgreSQL)
scheduler.py  APScheduler jobs: a check per source, the outbox, retention, the digest
health.py     /healthz, /readyz, /metrics on [service].listen
metrics.py    Prometheus metrics fed from check and delivery reports
retention.py  snapshot pruning
status.py     `tracker status`: the same picture from the database
"""
