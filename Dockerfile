# The WebApp as a container image: built in one stage, run from the binary, the site and the
# bundle's hash file alone, as a non-root user, on a read-only root filesystem.
#
#   docker build -t webapp .
#   head -c 32 /dev/urandom > webapp.key && chmod 0400 webapp.key   # once; keep it apart from backups
#   docker run --read-only -p 3000:3000 -v webapp-data:/data \
#     -v "$PWD/webapp.key:/run/secrets/webapp.key:ro" --user 65532 webapp
#
# /data holds the SQLite database and the mail outbox (mount a volume); the key file is mounted
# read-only and must be readable by the server's user only (the server refuses it otherwise).
# With PostgreSQL, set DATABASE_URL=postgres://... and no /data database is made.

FROM rust:1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The wasm target, cargo-leptos, wasm-bindgen-cli and the npm tools (wasm-opt), as the README's
# commands install them.
RUN bash scripts/install-tools.sh
RUN PATH="/src/end2end/node_modules/.bin:$PATH" cargo leptos build --release --precompress --split

FROM gcr.io/distroless/cc-debian12:nonroot
WORKDIR /app
COPY --from=build /src/target/release/server /app/server
COPY --from=build /src/target/release/hash.txt /app/hash.txt
COPY --from=build /src/target/site /app/site
ENV LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    DATABASE_URL=sqlite:///data/webapp.db?mode=rwc \
    WEBAPP_KEY_FILE=/run/secrets/webapp.key \
    WEBAPP_OUTBOX_DIR=/data/outbox \
    WEBAPP_SMS_OUTBOX_DIR=/data/sms-outbox \
    WEBAPP_LOG_FORMAT=json
USER nonroot
EXPOSE 3000
VOLUME ["/data"]
# Probes: GET /healthz (the process answers) and GET /readyz (database and migrations ready).
# Metrics are on 127.0.0.1:9464 inside the container, never on port 3000: for a scraper, set
# WEBAPP_METRICS_ADDR=0.0.0.0:9464 and publish that port to the monitoring network only.
ENTRYPOINT ["/app/server"]
