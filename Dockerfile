# syntax=docker/dockerfile:1
# One image for both components: `msa-hub` (hub dispatcher) and `msa-worker` (spoke worker).
# Build:  docker build -t managed-serviceaccount-queue:dev .
# Run:    docker run --rm managed-serviceaccount-queue:dev msa-hub --help
#         docker run --rm managed-serviceaccount-queue:dev msa-worker --help

ARG NODE_IMAGE=node:20-slim

# ---- build: install everything, compile TypeScript, then drop the dev dependencies ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY packages/common/package.json packages/common/
COPY packages/kube-sim/package.json packages/kube-sim/
COPY packages/hub-dispatcher/package.json packages/hub-dispatcher/
COPY packages/spoke-worker/package.json packages/spoke-worker/
# --ignore-scripts: nothing we run needs an install script (msgpackr's native speed-up falls back
# to its prebuilt or pure-JS path), and it keeps the build reproducible.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY packages/ packages/
# Compile, drop dev dependencies, and keep only the compiled output of the three product
# packages (kube-sim is a test and demo server, never deployed).
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf packages/kube-sim node_modules/@msa/kube-sim \
 && rm -rf packages/*/src \
 && find packages -name '*.tsbuildinfo' -delete

# ---- runtime: production dependencies and compiled code, as a non-root user -----------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOME=/tmp
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
# Entrypoints on PATH for both commands. The workspace bin links (node_modules/.bin, through
# packages/*/bin/*.js) are not on PATH here, so explicit wrappers call those same bin shims.
RUN printf '#!/bin/sh\nexec node /app/packages/hub-dispatcher/bin/msa-hub.js "$@"\n' > /usr/local/bin/msa-hub \
 && printf '#!/bin/sh\nexec node /app/packages/spoke-worker/bin/msa-worker.js "$@"\n' > /usr/local/bin/msa-worker \
 && chmod 0755 /usr/local/bin/msa-hub /usr/local/bin/msa-worker
# uid/gid 1000 is the image's `node` user; numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# The hub API (HTTPS), /metrics and the probes.
EXPOSE 8443
# The charts and docker-compose.yml set the command explicitly; the default is the hub.
CMD ["msa-hub", "serve"]
