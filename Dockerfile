# The image used by docker-compose.yml for the API and the workers (same code, different command).
# Node 24 is the current LTS line (package.json needs >= 20.19).
# Stage 1 builds the admin web app (/admin) and the compiled server build (dist/: the API, the worker and the CLI
# bundled by esbuild, scripts/build-dist.js) with the dev dependencies; the runtime stage has none of them and takes
# only the built files, so no container transpiles TypeScript at start (tsx cost ~2.8 s of CPU per process).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && node scripts/build-dist.js && test -f admin/dist/index.html && test -f dist/main.js && test -f dist/worker.js

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY bin ./bin
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
COPY --from=build /app/admin/dist ./admin/dist
# After the sources: the build's stamp is newer than every source file, so bin/persona.js also runs dist/.
COPY --from=build /app/dist ./dist
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
CMD ["node", "dist/main.js"]
