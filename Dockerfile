# Frontdesk: a slim, non-root image. Build: docker build -t frontdesk .
FROM python:3.11-slim AS build
ARG UV_VERSION=0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
# The runtime half of uv.lock, hashes checked; no dev tools, and no pgserver: a deployed
# instance always has DATABASE_URL (or SUPABASE_URL), and says so at start-up when it has not.
RUN pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}" \
 && UV_PROJECT_ENVIRONMENT=/venv UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 \
    uv sync --locked --no-dev --no-install-package pgserver --no-cache \
      --python /usr/local/bin/python3.11

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 frontdesk
COPY --from=build /venv /venv
WORKDIR /app
COPY app ./app
COPY agent_tools ./agent_tools
COPY calendar_adapter ./calendar_adapter
COPY prompts ./prompts
COPY supabase ./supabase
# No business config is baked in (the start-up fails naming BUSINESS_CONFIG until one is given):
# mount it from a secret or a volume and point BUSINESS_CONFIG at it (fly.toml, README).
USER frontdesk
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 HOST=0.0.0.0 PORT=8080 LOG_FORMAT=json \
    DATA_DIR=/tmp/frontdesk
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/live', timeout=2)"
CMD ["python", "-m", "app"]
