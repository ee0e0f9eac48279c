# One multi-stage image for the five services (and lab-admin), on Debian bookworm,
# the same distribution and package list as `./lab deps` (deps/debian-packages.txt).
# docker-compose.yml runs one container per service from it.

FROM debian:bookworm AS build
COPY deps/debian-packages.txt /tmp/debian-packages.txt
# Exactly the package list ./lab deps installs (checked by tests/static/check-compose.sh).
RUN apt-get update \
 && grep -vE '^\s*(#|$)' /tmp/debian-packages.txt \
    | xargs env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
 && (command -v npm >/dev/null || apt-get install -y -q --no-install-recommends npm) \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json* ./
RUN PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAB_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)"

FROM debian:bookworm-slim AS runtime
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
