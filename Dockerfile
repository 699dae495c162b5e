# The image used by docker-compose.yml for the API and the workers (same code, different command).
# Stage 1 builds the admin web app (/admin) with the dev dependencies; the runtime stage has none of them and takes
# only the built assets.
FROM node:20-bookworm-slim AS admin
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && test -f admin/dist/index.html

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY bin ./bin
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
COPY --from=admin /app/admin/dist ./admin/dist
USER node
EXPOSE 8080
CMD ["npm", "start"]
