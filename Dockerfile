# kubeprint's container image: the bundled CLI (scripts/bundle.mjs: one module
# per entry point, no node_modules) on Node.js 20, run as a non-root user. The
# root filesystem can be mounted read-only: kubeprint writes nothing to it
# (the admission manifests set readOnlyRootFilesystem).
#
#   buildah bud -t kubeprint .        (or docker build -t kubeprint .)
#
# NODE_IMAGE is the Node.js 20 image to build and run on; any image with node
# on PATH (and npm for the build stage) will do.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# --build-arg npm_config_offline=true (with the npm cache mounted) builds without a registry
ARG npm_config_offline=false
WORKDIR /src
COPY package.json package-lock.json ./
RUN ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
COPY tsconfig.json ./
COPY scripts/bundle.mjs scripts/
COPY src/ src/
RUN ["node", "scripts/bundle.mjs"]

FROM ${NODE_IMAGE}
COPY --from=build /src/dist/bundle/ /opt/kubeprint/
# numeric, so that runAsNonRoot can verify it
USER 65532:65532
ENTRYPOINT ["node", "/opt/kubeprint/kubeprint.js"]
CMD ["--help"]
