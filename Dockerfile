# syntax=docker/dockerfile:1
# The Section 117 dispute bot. Two stages: the builder compiles TypeScript and
# generates the Prisma client with every dependency; the image ships only the
# compiled dist/, the migrations and the production dependencies, and runs as
# the unprivileged "node" user. Node 22 is the LTS line; the code also runs on
# Node 20 (package.json "engines"), which the development machines still have.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY prisma ./prisma
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node scripts/generate-prisma.mjs && node node_modules/typescript/bin/tsc -p tsconfig.build.json

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data \
    DIRECTORY_FILE=/config/directory.yaml
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/postinstall.mjs ./scripts/
COPY --from=build /app/dist ./dist
# The postinstall sees dist/ and no TypeScript, and does nothing.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY prisma/migrations ./prisma/migrations
COPY config/directory.example.yaml ./config/
COPY manifests ./manifests
COPY bin ./bin
# The register's folder is the bot's alone (it refuses to start on one others can read); a new volume copies this mode.
# /data-keys holds the key that encrypts NHS numbers (IDENTIFIER_KEY_FILE's default beside /data) and /data-audit the
# signed history checkpoints and their key (AUDIT_DIR's default): both are used on PostgreSQL too, and the bot refuses to
# start on a folder it cannot write. Mount each as a volume of its own (compose.yaml does), or the NHS numbers cannot be
# read and the history cannot be checked after the container is recreated (docs/identifiers.md, docs/audit-trail.md).
RUN mkdir -p /data /data-keys /data-audit /config && chown node:node /data && chmod 700 /data \
    && chown node:node /data-keys && chmod 700 /data-keys \
    && chown node:node /data-audit && chmod 700 /data-audit
USER node
EXPOSE 3000
# /healthz answers while the process serves HTTP; /readyz also checks the database (use it for the load balancer).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM finishes the sweep in hand and closes the database.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
