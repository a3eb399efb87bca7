"""The operator console at /console: server-rendered pages over the same state the API uses.

- app.console.session: the signed session cookie and what it records (the scope it sees);
- app.console.csrf: the token every state-changing form carries;
- *_pages: one module per area; app.console.queries / figures: what they read;
- templates/ and static/: Jinja2 templates and the stylesheet, served by the app (no CDN).
"""
