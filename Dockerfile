# The image used by docker-compose.yml for the API and the workers (same code, different command).
# Node 24 is the current LTS line (package.json needs >= 20.19).
# Stage 1 builds the admin web app (/admin) with the dev dependencies; the runtime stage has none of them and takes
# only the built assets.
FROM node:24-bookworm-slim AS admin
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && test -f admin/dist/index.html

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY bin ./bin
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
COPY --from=admin /app/admin/dist ./admin/dist
# DATA_DIR (the embedded store, and initial-client.json under any STORE) must be writable by the image's user:
# /app belongs to root, so the first start could not save the initial client there. A volume mounted here starts
# with this ownership.
ENV DATA_DIR=/app/data
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 8080
# node itself is PID 1 (exec form, no npm or shell in between), so `docker stop`'s SIGTERM reaches the service's
# graceful shutdown instead of stopping at npm.
CMD ["node", "--import", "tsx", "src/main.ts"]
