# syntax=docker/dockerfile:1
# The bot as a container: `python -m bot` (run by default; `migrate`, `check`, `generate ...` also work).
# No secret is baked in: DISCORD_TOKEN and DATABASE_URL come from the environment at run time.

# --- build: install the project and its dependencies into a virtualenv ---------------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY background ./background
COPY bot ./bot
COPY core ./core
COPY comfy ./comfy
COPY db ./db
# Every dependency ships wheels for this image (asyncpg, Pillow, PyAV with its own FFmpeg): no compiler.
# EXTRAS: optional extras to install, e.g. `--build-arg EXTRAS=safety` for the content-safety classifier
# (NudeNet, AGPL-3.0: the operator's choice; README, "Content safety").
ARG EXTRAS=""
RUN pip install ".${EXTRAS:+[$EXTRAS]}"

# --- runtime: the virtualenv only, as an unprivileged user ----------------------------------------------
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DATA_DIR=/data \
    DATABASE_URL=sqlite+aiosqlite:////data/bot.db
RUN groupadd --system --gid 10001 bot \
    && useradd --system --uid 10001 --gid bot --home-dir /home/bot --create-home --shell /usr/sbin/nologin bot \
    && mkdir -p /data \
    && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /home/bot
USER bot
VOLUME ["/data"]
# With METRICS_PORT set, /healthz must answer 200 (gateway connected, database reachable, a healthy
# backend; 503 raises, so the check fails); in any case the settings must load.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; p = os.environ.get('METRICS_PORT'); p and r.urlopen(f'http://127.0.0.1:{p}/healthz', timeout=5); from bot.settings import Settings; Settings()"]
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
