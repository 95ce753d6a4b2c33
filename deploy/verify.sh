#!/usr/bin/env bash
# Build padan's image from Debian packages alone, move it as an air-gapped server would
# receive it, run the compose stack on it, check health and a whole project against it, and
# tear it down. Prints the figures docs/deploy.md quotes.
#
#   deploy/verify.sh            # needs: root or the docker group, a running dockerd, mmdebstrap,
#                               # docker compose (or docker-compose), python3, PyPI and a
#                               # Debian mirror for the wheelhouse and the base images
#
# Nothing is pulled from a registry: the base images come from deploy/base-images.sh, the
# wheels from deploy/wheelhouse.sh, and both image builds run with --network none. Every
# service uses the host's network on 127.0.0.1 (no bridge network is created), on ports
# chosen so as not to meet a PostgreSQL or padan already on the host (override below).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
step() { printf '\n== %s (%ds)\n' "$*" $((SECONDS - started)); }
figure() { printf '%s\n' "$*" | tee -a "$figures"; }

if docker compose version >/dev/null 2>&1; then compose=(docker compose)
elif command -v docker-compose >/dev/null; then compose=(docker-compose)
else echo "error: docker compose (or docker-compose) is needed" >&2; exit 2; fi
if ! docker info >/dev/null 2>&1; then
  echo "error: dockerd is not reachable: start it (e.g. dockerd --bridge=none --iptables=false &)" >&2
  exit 2
fi

export COMPOSE_PROJECT_NAME=padan-verify
export API_PORT=${API_PORT:-18000} DB_PORT=${DB_PORT:-55432} DASK_PORT=${DASK_PORT:-18786}
export DASK_DASHBOARD_PORT=${DASK_DASHBOARD_PORT:-18787}
export DASK_WORKER_DASHBOARD_PORT=${DASK_WORKER_DASHBOARD_PORT:-18788}
export PADAN_IMAGE=padan:verify PADAN_DB_IMAGE=padan-db:verify
POSTGRES_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
PADAN_TOKEN_PEPPER=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
export POSTGRES_PASSWORD PADAN_TOKEN_PEPPER
work=$(mktemp -d)
figures=$work/figures.txt
cleanup() {
  "${compose[@]}" down --volumes --timeout 20 >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step "base images from Debian packages (deploy/base-images.sh)"
t=$SECONDS; deploy/base-images.sh bookworm
figure "base images: $((SECONDS - t)) s"

step "wheelhouse (deploy/wheelhouse.sh)"
if ! ls wheelhouse/*.whl >/dev/null 2>&1; then
  t=$SECONDS; deploy/wheelhouse.sh
  figure "wheelhouse: $((SECONDS - t)) s, $(ls wheelhouse/*.whl | wc -l) wheels, $(du -sh wheelhouse | cut -f1)"
else
  echo "wheelhouse/ has wheels; kept"
fi

step "padan's image, offline (docker build --network none)"
t=$SECONDS
docker build --quiet --network none --build-arg BASE_IMAGE=padan-base:bookworm \
  --tag "$PADAN_IMAGE" . >/dev/null
figure "padan image build: $((SECONDS - t)) s, $(docker image inspect --format '{{.Size}}' "$PADAN_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
t=$SECONDS
docker build --quiet --network none --build-arg BASE_IMAGE=padan-postgres:bookworm \
  --tag "$PADAN_DB_IMAGE" deploy/postgres >/dev/null
figure "database image build: $((SECONDS - t)) s, $(docker image inspect --format '{{.Size}}' "$PADAN_DB_IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
[ "$(docker run --rm "$PADAN_IMAGE" id -u)" = 10001 ] || { echo "error: the image runs as root" >&2; exit 1; }
if docker run --rm "$PADAN_IMAGE" python3 -m pip --version >/dev/null 2>&1; then
  echo "error: pip is in the runtime image" >&2; exit 1
fi

step "to an air-gapped server and back: docker save | gzip, docker rmi, docker load"
t=$SECONDS
docker save "$PADAN_IMAGE" "$PADAN_DB_IMAGE" | gzip -1 > "$work/padan-images.tar.gz"
saved=$((SECONDS - t))
docker rmi "$PADAN_IMAGE" "$PADAN_DB_IMAGE" >/dev/null
t=$SECONDS
gunzip -c "$work/padan-images.tar.gz" | docker load >/dev/null
figure "docker save: ${saved} s, $(du -h "$work/padan-images.tar.gz" | cut -f1) gzipped; docker load: $((SECONDS - t)) s"

step "the compose stack, host network, loopback only"
t=$SECONDS
"${compose[@]}" up --detach --no-build
for service in db api worker scheduler dask-worker; do
  for _ in $(seq 1 90); do
    id=$("${compose[@]}" ps -q "$service")
    health=$(docker inspect --format '{{.State.Health.Status}}' "$id" 2>/dev/null || echo none)
    [ "$health" = healthy ] && break
    sleep 2
  done
  echo "$service: $health"
  if [ "$health" != healthy ]; then "${compose[@]}" logs --tail 50 "$service"; exit 1; fi
done
figure "stack up and healthy: $((SECONDS - t)) s"
if [ -n "$(docker network ls --quiet --filter "name=${COMPOSE_PROJECT_NAME}")" ]; then
  echo "error: compose created a network" >&2; exit 1
fi
listening=$( (ss -ltnH 2>/dev/null || true) | awk '{print $4}' \
  | grep -E ":(${API_PORT}|${DB_PORT}|${DASK_PORT}|${DASK_DASHBOARD_PORT}|${DASK_WORKER_DASHBOARD_PORT})$" || true)
echo "listening: $(echo $listening)"
if echo "$listening" | grep -vqE '^(127\.0\.0\.1|\[::1\]):'; then
  echo "error: a service listens beyond loopback" >&2; exit 1
fi

step "a whole project against the stack, with the image's own padan"
chmod 0777 "$work"   # the image's user writes the agencies' files here
padan() {
  docker run --rm --network host --volume "$work:/work" --workdir /work \
    --env PADAN_SERVER_URL="http://127.0.0.1:${API_PORT}" --env PADAN_TOKEN_FILE \
    "$PADAN_IMAGE" padan "$@"
}
padan synth --out lists --seed 7 --population 4000 --agencies DTKS:1500,KJP:500 >/dev/null
padan keygen project.key
padan schema init schema.toml --project-id deploy-check
padan encode lists/DTKS.csv --schema schema.toml --key-file project.key --quiet
padan encode lists/KJP.csv --schema schema.toml --key-file project.key --quiet
"${compose[@]}" exec -T api sh -c \
  'padan admin create-coordinator verify --token-file /tmp/c.token >/dev/null 2>&1 && cat /tmp/c.token && rm /tmp/c.token' \
  > "$work/coordinator.token"
chown 10001:10001 "$work/coordinator.token"; chmod 0600 "$work/coordinator.token"
PADAN_TOKEN_FILE=coordinator.token padan project create --schema schema.toml --agency DTKS \
  --agency KJP --auditor BPK --tokens-dir tokens
PADAN_TOKEN_FILE=tokens/DTKS.token padan upload deploy-check lists/DTKS.padan
PADAN_TOKEN_FILE=tokens/KJP.token padan upload deploy-check lists/KJP.padan
t=$SECONDS
PADAN_TOKEN_FILE=coordinator.token padan run deploy-check
figure "run (1,500 x 500 records, worker on the Dask cluster): $((SECONDS - t)) s"
PADAN_TOKEN_FILE=tokens/KJP.token padan results deploy-check --output kjp-results.csv
links=$(grep -c ',link,' "$work/kjp-results.csv" || true)
PADAN_TOKEN_FILE=tokens/BPK.token padan report deploy-check --format json --output report.json
PADAN_TOKEN_FILE=tokens/BPK.token padan audit verify
[ "$links" -gt 0 ] || { echo "error: no KJP record was linked" >&2; exit 1; }
figure "KJP records linked to DTKS: $links of 500"
if ! "${compose[@]}" logs scheduler 2>&1 | grep -q "Receive client connection"; then
  echo "error: the run did not reach the Dask scheduler" >&2; exit 1
fi

step "tear down"
"${compose[@]}" down --volumes --timeout 20
figure "total: $((SECONDS - started)) s"
printf '\nfigures:\n'; cat "$figures"
