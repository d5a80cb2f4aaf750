# Peyvand CRM: one image for the API, the worker and the maintenance commands.
#   docker build -t peyvand .
#   docker run … peyvand              → peyvand api (the default)
#   docker run … peyvand peyvand worker / peyvand migrate / peyvand create-user …
# docker-compose.yml wires it to PostgreSQL and Redis.

# --- 1. The web app -------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
# Dependencies first, so editing the app does not re-download them.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. The Python package, installed into a virtualenv that the runtime stage copies whole ------------
FROM python:3.11-slim-bookworm AS python
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# The pinned runtime dependencies get their own layer: it is rebuilt only when they change.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt
COPY README.md ./
COPY api/ api/
COPY workers/ workers/
COPY migrations/ migrations/
# Not editable and without dev extras: the code and migrations land in the venv's site-packages.
RUN pip install -c constraints.txt . \
 && cd / && python -c "import api.core.migrate as m; assert (m.MIGRATIONS_DIR / 'versions').is_dir(), m.MIGRATIONS_DIR"

# --- 3. Runtime -----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
RUN groupadd --system --gid 10001 peyvand \
 && useradd --system --uid 10001 --gid peyvand --home-dir /app --shell /usr/sbin/nologin peyvand \
 && mkdir -p /app/data \
 && chown peyvand:peyvand /app/data
COPY --from=python /opt/venv /opt/venv
COPY --from=spa /src/frontend/dist /app/frontend/dist
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PEYVAND_HOST=0.0.0.0 \
    PEYVAND_PORT=8000 \
    PEYVAND_SPA_DIR=/app/frontend/dist \
    PEYVAND_DATA_DIR=/app/data
WORKDIR /app
USER peyvand:peyvand
EXPOSE 8000
# Liveness of the HTTP API; the compose file gives the worker a check of its own metrics port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PEYVAND_PORT', '8000'), timeout=4)"]
CMD ["peyvand", "api"]
