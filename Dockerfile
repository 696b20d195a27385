# Dockerfile - the tusach hub image (Debian 12).
#
# Build stage: the project's own scripts/install-deps.sh installs the Debian
# packages, exactly as CI and a new user do (scripts/test.sh runs it first), then
# CMake builds the `tusach` binary (Release, tests off).
# Runtime stage: only the shared libraries the binary links, curl for the health
# check, xapian-tools (xapian-tcpsrv for a sharded network, xapian-check), and
# a dedicated `tusach` system user owning the data folder /var/lib/tusach.
#
# No Docker engine runs on the project's machines: CI checks this file with
# scripts/check-deploy.sh (docker-compose config, the install-deps.sh step) and
# builds with the same script and CMake flags that CI runs.
#
#   docker build -t tusach:latest .
#   docker run --rm -v tusach-data:/var/lib/tusach tusach:latest init
#   docker run -d -p 127.0.0.1:8080:8080 -v tusach-data:/var/lib/tusach tusach:latest

FROM debian:bookworm-slim AS build
WORKDIR /src
# The install script alone first, so its (large) layer is cached across source edits.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
# TS_WERROR=OFF: warnings fail CI (scripts/test.sh), not an image build.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DTS_WERROR=OFF \
 && cmake --build /build --target tusach -j"$(nproc)" \
 && strip /build/cli/tusach

FROM debian:bookworm-slim AS runtime
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      libsqlite3-0 libxapian30 libmicrohttpd12 libarchive13 libxml2 libjansson4 \
      libsodium23 libpoppler-glib8 libglib2.0-0 libyaz5 libutf8proc2 libcurl4 zlib1g librecode0 \
      libstdc++6 ca-certificates curl xapian-tools \
 && rm -rf /var/lib/apt/lists/*
ARG TUSACH_UID=10001
RUN groupadd --system --gid "$TUSACH_UID" tusach \
 && useradd --system --uid "$TUSACH_UID" --gid tusach --home-dir /var/lib/tusach \
      --no-create-home --shell /usr/sbin/nologin tusach \
 && install -d -o tusach -g tusach -m 0750 /var/lib/tusach
COPY --from=build /build/cli/tusach /usr/local/bin/tusach
# Fail the build if a shared library is missing from the list above.
RUN ! ldd /usr/local/bin/tusach | grep 'not found' && tusach --help >/dev/null

ENV TUSACH_DATA=/var/lib/tusach
# A new named volume is created from this directory: owned by tusach, mode 0750.
VOLUME /var/lib/tusach
WORKDIR /var/lib/tusach
EXPOSE 8080
USER tusach
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/api/v1/health || exit 1
# The server finishes requests in flight on SIGTERM (up to 10 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["tusach"]
CMD ["--data", "/var/lib/tusach", "serve", "--listen", "0.0.0.0", "--port", "8080"]
