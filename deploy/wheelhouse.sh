#!/usr/bin/env bash
# Fill wheelhouse/ with wheels for padan and every dependency, for an image build without
# network (the Dockerfile uses only these wheels when there are any).
#
#   deploy/wheelhouse.sh [PYTHON]      # default: python3
#
# Run it on a machine with PyPI access (or a PyPI mirror in pip.conf), with the same Python
# version (major.minor) and architecture as the image's base: 3.11 on x86_64 for
# padan-base:bookworm and python:3.11-slim-bookworm. Then carry the checkout with its
# wheelhouse/ to the build host.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
echo "wheels for Python $version ($(uname -m)) into wheelhouse/"
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
"$python" -m venv "$venv"
pip() {  # quiet, without the notes of a pip.conf that lists find-links absent here
  "$venv/bin/pip" "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}
pip install --quiet --upgrade pip
# setuptools and wheel: what building padan's own wheel needs, offline too
pip download --quiet --only-binary=:all: --dest wheelhouse "setuptools>=69" wheel
pip wheel --quiet --wheel-dir wheelhouse .
rm -f wheelhouse/padan-*.whl   # the image builds padan from the checkout it is given
echo "$(ls wheelhouse/*.whl | wc -l) wheels, $(du -sh wheelhouse | cut -f1)"
