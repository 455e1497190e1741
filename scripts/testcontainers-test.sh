#!/usr/bin/env bash
# Runs the Testcontainers module's tests (test/testcontainers.test.ts) against the image scripts/container-test.sh
# built, through podman's Docker-compatible API (no Docker engine here): podman's service on a socket of its own,
# runc, no Ryuk (podman removes what the tests start). Usage: scripts/testcontainers-test.sh (after container-test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${SIM_TEST_IMAGE:-localhost/marking-sim:container-test}
WORK=$(mktemp -d)
SOCK="$WORK/podman.sock"
export CONTAINERS_CONF="$WORK/containers.conf"
printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$CONTAINERS_CONF"
podman image exists "$IMAGE" || { echo "no image $IMAGE: run scripts/container-test.sh first"; exit 1; }
podman system service --time=0 "unix://$SOCK" 2>"$WORK/service.log" &
SERVICE=$!
cleanup() { kill "$SERVICE" 2>/dev/null || true; wait "$SERVICE" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { cat "$WORK/service.log"; echo "FAIL: podman's service did not start"; exit 1; }
DOCKER_HOST="unix://$SOCK" TESTCONTAINERS_RYUK_DISABLED=true SIM_TEST_IMAGE="$IMAGE" SIM_CONTAINER_TESTS=required \
  npx vitest run test/testcontainers.test.ts
