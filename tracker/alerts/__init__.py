"""Alerting: the outbox of Slack messages about changes and source health.

outbox.py    enqueue in the check's transaction; state transitions; `tracker alerts` helpers
routing.py   which channel(s): every matching [[slack.routes]] rule, else the default channel
render.py    Block Kit message from a Change (and back to text for the console)
escape.py    scraped text made safe: no pings, no hidden links
slack.py     slack-sdk notifiers: bot token (WebClient) or incoming webhook (WebhookClient)
console.py   readable alerts on stdout when Slack is not configured
deliver.py   drain the outbox: order, pacing, retries, the duplicate check; `tracker slack test`
groups.py    at delivery: a flood of alerts -> one summary; several operations notices -> one message
render_groups.py  the messages of groups.py
lease.py     who holds a claim, and whether it is still alive (a killed post holds nothing back)
notifier.py  the notifier protocol, send errors and secret scrubbing
"""
