# Frontdesk: a slim, non-root image. Build: docker build -t frontdesk .
FROM python:3.11-slim AS build
WORKDIR /app
COPY requirements.lock pyproject.toml ./
# The lock pins dev tools too; production needs only the runtime half (no pgserver: a deployed
# instance always has DATABASE_URL or SUPABASE_URL).
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --disable-pip-version-check \
      -c requirements.lock \
      litestar uvicorn uvloop httptools asyncpg pydantic structlog tzdata redis supabase \
      google-api-python-client google-auth requests tenacity prometheus-client retell-sdk

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 frontdesk
COPY --from=build /venv /venv
WORKDIR /app
COPY app ./app
COPY agent_tools ./agent_tools
COPY calendar_adapter ./calendar_adapter
COPY prompts ./prompts
COPY supabase ./supabase
COPY config ./config
USER frontdesk
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 HOST=0.0.0.0 PORT=8080 LOG_FORMAT=json \
    DATA_DIR=/tmp/frontdesk
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health/live', timeout=2)"
CMD ["python", "-m", "app"]
