# syntax=docker/dockerfile:1
#
# The container image the deploy/ templates run (deploy/README.md). Two targets:
#
#   docker build -t s3collapse-tui:0.1.0 --build-arg S3COLLAPSE_VERSION=0.1.0 .
#       the default (last) stage, "published": the package as npm serves it. Nothing from this checkout
#       goes into it, so the image is the same whoever builds it.
#   docker build --target local -t s3collapse-tui:dev .
#       "local": this checkout, built and packed exactly as `npm publish` would pack it, then installed
#       the same way. For a change not yet published.
#
# The entrypoint is the tool itself: a scheduler passes `run --plan … --shard auto/N …` as the command
# (Batch containerProperties.command, Kubernetes args, ECS/Batch ContainerOverrides.Command).

ARG NODE_IMAGE=node:20-slim

# ---- build: compile this checkout and pack it the way npm publishes it --------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the install scripts are the test-only native module's (node-pty) and esbuild's,
# whose binary comes as an optional dependency all the same; tsc and the bundle need nothing else.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json .npmignore ./
COPY source ./source
COPY scripts ./scripts
RUN npm run build && npm pack --pack-destination /tmp && mv /tmp/s3collapse-tui-*.tgz /tmp/s3collapse-tui.tgz

# ---- local: the packed checkout, installed as a user installs the package ------------------------
FROM ${NODE_IMAGE} AS local
ENV NODE_ENV=production NO_UPDATE_NOTIFIER=1 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=build /tmp/s3collapse-tui.tgz /tmp/s3collapse-tui.tgz
RUN npm install -g --omit=dev --no-audit --no-fund /tmp/s3collapse-tui.tgz \
  && rm /tmp/s3collapse-tui.tgz && npm cache clean --force
# The base image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
WORKDIR /home/node
ENTRYPOINT ["s3collapse-tui"]
CMD ["--help"]

# ---- published (default): the package from the npm registry -------------------------------------
FROM ${NODE_IMAGE} AS published
# Pin it for a reproducible image: --build-arg S3COLLAPSE_VERSION=0.1.0
ARG S3COLLAPSE_VERSION=latest
ENV NODE_ENV=production NO_UPDATE_NOTIFIER=1 NPM_CONFIG_UPDATE_NOTIFIER=false
RUN npm install -g --omit=dev --no-audit --no-fund "s3collapse-tui@${S3COLLAPSE_VERSION}" \
  && npm cache clean --force
LABEL org.opencontainers.image.title="s3collapse-tui" \
  org.opencontainers.image.description="Collapse small AWS log objects in S3 into one verified object per period"
USER 1000:1000
WORKDIR /home/node
ENTRYPOINT ["s3collapse-tui"]
CMD ["--help"]
