#!/usr/bin/env bash
# Build padan's base images from Debian packages alone, for hosts that cannot pull images.
#
#   deploy/base-images.sh [SUITE]        # default: bookworm
#
# Makes two images with mmdebstrap and `docker import` (needs root, Debian's mmdebstrap and a
# reachable Debian mirror, or a local one in /etc/apt/sources.list):
#   padan-base:SUITE      python3 and python3-venv  (BASE_IMAGE of the Dockerfile)
#   padan-postgres:SUITE  Debian's postgresql       (BASE_IMAGE of deploy/postgres/Dockerfile)
# Images that already exist are kept; remove them (docker rmi) to rebuild.
set -euo pipefail
suite=${1:-bookworm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

build() {  # build NAME PACKAGES
  local name=$1 packages=$2
  if docker image inspect "$name:$suite" >/dev/null 2>&1; then
    echo "$name:$suite exists; kept"
    return
  fi
  echo "building $name:$suite from Debian $suite ($packages)"
  mmdebstrap --quiet --variant=apt --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    "$suite" "$work/$name.tar"
  docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' \
    "$work/$name.tar" "$name:$suite" >/dev/null
  rm -f "$work/$name.tar"
}

build padan-base "python3,python3-venv,ca-certificates"
build padan-postgres "postgresql"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^padan-(base|postgres):$suite "
