# syntax=docker/dockerfile:1
# The bot's image: one image for every role (ROLE=web, worker or all). Build stage: installs everything,
# compiles native modules (better-sqlite3, msgpackr-extract) against this Node, builds dist/ and drops the
# dev dependencies. Runtime stage: the same Debian and Node without compilers, as the unprivileged `node`.
# CI runs these same commands outside a container (bench/image-smoke.ts reads them from this file).
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    METRICS_PORT=9464 \
    DATA_DIR=/var/lib/citybot
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
COPY --from=build /app/deploy/healthcheck.mjs ./deploy/healthcheck.mjs
# The code stays root's and read-only to the bot; only its data folder (SQLite, uploads) is its own.
RUN mkdir -p /var/lib/citybot && chown node:node /var/lib/citybot
VOLUME ["/var/lib/citybot"]
USER node
EXPOSE 3978 9464
# No curl in slim images: Node asks. /healthz on the web port; a worker, which has none, on its metrics port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/bot/main.js"]
