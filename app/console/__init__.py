"""The operator console: server-rendered pages at /console for the owner and their staff
(docs/console.md). Jinja2 templates and one stylesheet, all served by the app itself."""
