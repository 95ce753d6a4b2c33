# padan's image: the linker API, its workers and the Dask scheduler and workers all run it.
#
#   docker build -t padan:0.2.0 .                                     # base: python:3.11-slim
#   docker build --build-arg BASE_IMAGE=padan-base:bookworm -t padan:0.2.0 .   # no registry
#
# BASE_IMAGE is any image with python3 (3.11 or later) and its venv module: the official
# python:3.11-slim-bookworm, or padan-base:bookworm made from Debian packages by
# deploy/base-images.sh where no registry can be reached.
# Offline: fill wheelhouse/ first (deploy/wheelhouse.sh, on a machine with PyPI access and the
# same Python version); the build then reads only those wheels and needs no network at all.
# Nothing is installed when a container starts: the image holds everything (docs/deploy.md).
ARG BASE_IMAGE=python:3.11-slim-bookworm

# -- stage 1: wheels for padan and every dependency, then a virtual environment of them --------
FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
COPY wheelhouse/ /wheelhouse/
COPY pyproject.toml README.md /src/
COPY padan /src/padan
COPY encoder /src/encoder
COPY linker /src/linker
COPY cli /src/cli
COPY synth /src/synth
COPY evaluation /src/evaluation
COPY i18n /src/i18n
# With wheels in wheelhouse/, pip is told to use nothing else (--no-index): a missing wheel
# fails the build instead of reaching for the network.
RUN set -eu; \
    if ls /wheelhouse/*.whl >/dev/null 2>&1; then source="--no-index --find-links /wheelhouse"; \
    else source=""; fi; \
    python3 -m venv /opt/padan; \
    /opt/padan/bin/pip wheel --quiet $source --wheel-dir /wheels /src; \
    /opt/padan/bin/pip install --quiet --no-index --find-links /wheels padan; \
    /opt/padan/bin/pip uninstall --quiet --yes pip setuptools; \
    /opt/padan/bin/padan --help >/dev/null
# Compile the Dice kernels (numba) once, here: a fresh container otherwise spends its first
# link compiling them (44 s against 4 s, docs/deploy.md). Synthetic lists only. The cache is
# used where the server's CPU matches the build machine's; elsewhere numba compiles once per
# container, as without it.
ENV NUMBA_CACHE_DIR=/opt/numba-cache
RUN set -eu; cd "$(mktemp -d)"; export PATH=/opt/padan/bin:$PATH; \
    padan synth --out lists --seed 1 --population 2000 --agencies A:600,B:300 >/dev/null; \
    padan keygen k.key 2>/dev/null; padan schema init s.toml 2>/dev/null; \
    padan encode lists/A.csv -s s.toml -k k.key -q 2>/dev/null; \
    padan encode lists/B.csv -s s.toml -k k.key -q 2>/dev/null; \
    padan link lists/A.padan lists/B.padan --out run >/dev/null; \
    cd /; rm -rf "$OLDPWD"; test -n "$(ls /opt/numba-cache)"

# -- stage 2: the runtime, without the sources, the wheels or pip -------------------------------
FROM ${BASE_IMAGE}
# A fixed non-root user; written into /etc/passwd directly, since a minimal Debian base has
# no useradd. Its home is /data, the file store's volume.
RUN set -eu; \
    echo 'padan:x:10001:10001:padan:/data:/usr/sbin/nologin' >> /etc/passwd; \
    echo 'padan:x:10001:' >> /etc/group; \
    mkdir -p /data; chown 10001:10001 /data; chmod 0750 /data
COPY --from=build /opt/padan /opt/padan
# numba writes to its cache too (another CPU, another signature): the padan user owns it
COPY --from=build --chown=10001:10001 /opt/numba-cache /opt/numba-cache
ENV PATH=/opt/padan/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    NUMBA_CACHE_DIR=/opt/numba-cache \
    PADAN_DATA_DIR=/data
USER 10001:10001
WORKDIR /data
EXPOSE 8000
CMD ["padan", "serve"]
