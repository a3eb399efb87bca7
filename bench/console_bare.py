"""A bare Litestar template page: the floor bench.console compares the console's pages with.
The same Jinja engine, a page of 30 rows from memory, no database, no session."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from litestar import Litestar, get
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

HERE = Path(__file__).parent
PAGE = """<!doctype html><html><body><h1>{{ title }}</h1><ul>
{% for row in rows %}<li>{{ row.time }} {{ row.service }} {{ row.name }}</li>{% endfor %}
</ul></body></html>"""
ROWS = [
    {"time": f"{9 + i // 4}:{(i % 4) * 15:02d} am", "service": "Checkup", "name": f"Ada {i}"}
    for i in range(30)
]


@get("/page")
async def page() -> Template:
    return Template(template_str=PAGE, context={"title": "Bare", "rows": ROWS})


app = Litestar([page], template_config=TemplateConfig(directory=HERE, engine=JinjaTemplateEngine))

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
