# ai-reg-tracker: `tracker run` as a container.
#   docker build -t ai-reg-tracker .
#   docker run -d --name tracker --stop-timeout 75 -v tracker-data:/var/lib/tracker \
#     -e SLACK_BOT_TOKEN -p 127.0.0.1:9464:9464 ai-reg-tracker
# With PostgreSQL: docker compose up -d (docker-compose.yml). scripts/ci_docker_recipe.sh replays the
# install steps below without a Docker engine, in CI.

# --- build: the project's wheel only (dependencies come pinned from requirements.lock) ---------------
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY tracker ./tracker
COPY sources ./sources
RUN python -m pip wheel --no-cache-dir --no-deps -w /dist .

# --- run -------------------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN groupadd --system --gid 10001 tracker \
 && useradd --system --uid 10001 --gid tracker --home-dir /var/lib/tracker --shell /usr/sbin/nologin tracker

# Exact versions from the lock file, then the wheel without resolving anything again.
COPY requirements.lock /tmp/requirements.lock
RUN pip install -r /tmp/requirements.lock
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-deps /tmp/dist/*.whl && rm -rf /tmp/dist /tmp/requirements.lock

# The shipped config.toml; mount your own over it. Its relative paths ("data/...": the SQLite file,
# digests) resolve next to the config file, so data/ there points into the volume.
COPY config.toml /etc/tracker/config.toml
RUN mkdir -p /var/lib/tracker \
 && chown tracker:tracker /var/lib/tracker \
 && ln -s /var/lib/tracker /etc/tracker/data
VOLUME ["/var/lib/tracker"]
WORKDIR /var/lib/tracker

# Inside a container the health endpoint must listen on all interfaces to be published; publish it on
# the host's loopback only (-p 127.0.0.1:9464:9464). TRACKER_LISTEN wins over [service].listen.
ENV TRACKER_CONFIG=/etc/tracker/config.toml \
    TRACKER_LISTEN=0.0.0.0:9464
EXPOSE 9464

USER tracker
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=4)"]
# SIGTERM = clean stop (running checks get [service].stop_timeout, 60 s by default): give the container
# more than that before SIGKILL (docker run --stop-timeout 75, compose stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["tracker", "run"]
