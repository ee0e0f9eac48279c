# One multi-stage image for the five services and lab-admin, on Debian bookworm.
# The build stage installs only deps/debian-build-packages.txt (the toolchain, Qt and
# the C libraries; `./lab deps` installs the same list) and builds only the services and
# lab-admin: no console, no tests, no browser or JDK. docker-compose.yml builds it once
# (service kafka-init) and runs one container per service from it.
#
# The base images are arguments so that `./lab docker-check` can build this file from a
# bookworm image it made with debootstrap (no container registry there).
ARG BASE_IMAGE=debian:bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
COPY deps/debian-build-packages.txt /tmp/debian-build-packages.txt
RUN apt-get update \
 && grep -vE '^\s*(#|$)' /tmp/debian-build-packages.txt \
    | xargs env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
 && (command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm) \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Only the production packages of the lockfile (swagger-ui-dist, served at /docs), with
# its integrity hashes. The dev packages are for the browser tests, and playwright-core
# needs Node 20, which Debian bookworm does not have: npm warns about every package of
# the lockfile, installed or not, so they leave the lockfile here. No install scripts
# (swagger-ui's dependency @scarf/scarf only reports the install to its vendor).
RUN node -e ' \
      const fs = require("fs"); \
      const pkg = JSON.parse(fs.readFileSync("package.json")); \
      const lock = JSON.parse(fs.readFileSync("package-lock.json")); \
      delete pkg.devDependencies; delete lock.packages[""].devDependencies; \
      for (const [path, entry] of Object.entries(lock.packages)) if (entry.dev) delete lock.packages[path]; \
      fs.writeFileSync("package.json", JSON.stringify(pkg)); \
      fs.writeFileSync("package-lock.json", JSON.stringify(lock));' \
 && npm ci --ignore-scripts --no-audit --no-fund
# the sources the services build from, no more: a change elsewhere (lab, docs, compose)
# keeps the compiled layer
COPY CMakeLists.txt ./
COPY cmake cmake
COPY shared shared
COPY services services
COPY tools tools
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAB_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" --target order-service payment-service inventory-service \
      notifier-service search-service lab-admin

FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      libqt6core6 libqt6network6 libqt6httpserver6 libqt6websockets6 \
      librdkafka1 libhiredis0.14 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/services/order-service/order-service \
                  /src/build/services/payment-service/payment-service \
                  /src/build/services/inventory-service/inventory-service \
                  /src/build/services/notifier-service/notifier-service \
                  /src/build/services/search-service/search-service \
                  /src/build/tools/lab-admin/lab-admin /usr/local/bin/
COPY --from=build /src/node_modules/swagger-ui-dist /opt/lab/swagger-ui
COPY frontend /opt/lab/frontend
ENV FRONTEND_DIR=/opt/lab/frontend \
    SWAGGER_UI_DIR=/opt/lab/swagger-ui \
    BIND_ADDRESS=0.0.0.0
USER nobody
