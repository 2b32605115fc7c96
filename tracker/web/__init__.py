"""The read-only web view: the changes, their diffs, the sources and the roundups in a browser.

tracker/alerts/links.py  the public URLs of pages (what alerts and the digest link to): stdlib only,
             below the alerts that use them
server.py    the HTTP server (wsgiref, one thread per request) started by `tracker run` and `tracker web`;
             the application, Jinja2 and the templates load on the first request, so a service nobody
             browses pays a listening socket and a sleeping thread
app.py       the WSGI application: routing, security headers, GET/HEAD only, optional basic-auth
queries.py   what the pages read from the database (SELECT only)
diffview.py  a stored unified diff as units of side-by-side rows with the changed words marked
roundups.py  the digest periods and their pages (built by tracker.digest from the database)
templates/   Jinja2, autoescaped;  static/  the stylesheet (CSP: style-src 'self', no inline style)
"""

from tracker.alerts.links import change_url, changes_url, roundup_url, sources_url

__all__ = ["change_url", "changes_url", "roundup_url", "sources_url"]
