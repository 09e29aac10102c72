# syntax=docker/dockerfile:1.7
# The reference inference server (anomalyops serve): REST + gRPC on port 8000, /metrics, /v2/health/{live,ready}.
# Build from the repository root:
#   docker build -f deploy/docker/inference.Dockerfile --target runtime-cpu -t anomalyops/inference .
#   docker build -f deploy/docker/inference.Dockerfile --target runtime-gpu -t anomalyops/inference-gpu .
# Without a Docker daemon: ./mvnw -B -pl reference-app -am -Pimage package jib:buildTar (see deploy/README.md).

ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17.0.17_10-jre-jammy
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04

# ---- build: the same Maven build as CI (tests run in CI, not here) ----
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl reference-app -am package \
 && ./mvnw -B -q -pl reference-app dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
 && mkdir -p /out/lib /out/lib-gpu \
 && cp reference-app/target/reference-app-*.jar /out/app.jar \
 && cp reference-app/target/lib/*.jar /out/lib/
# GPU build: ONNX Runtime's CUDA package in place of the CPU one (same Java API, same version).
RUN --mount=type=cache,target=/root/.m2 \
    cp /out/lib/*.jar /out/lib-gpu/ \
 && ort="$(find /out/lib -name 'onnxruntime-[0-9]*.jar' | head -n 1)" \
 && if [ -n "$ort" ]; then \
      version="$(basename "$ort" .jar | sed 's/^onnxruntime-//')"; \
      rm /out/lib-gpu/"$(basename "$ort")"; \
      ./mvnw -B -q dependency:copy -Dartifact="com.microsoft.onnxruntime:onnxruntime_gpu:${version}" \
        -DoutputDirectory=/out/lib-gpu; \
    fi

# ---- CPU runtime ----
FROM ${JRE_IMAGE} AS runtime-cpu
RUN groupadd --system --gid 10001 anomalyops \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin anomalyops
WORKDIR /app
COPY --from=build --chown=root:root /out/app.jar /app/app.jar
COPY --from=build --chown=root:root /out/lib/ /app/lib/
# Container-aware heap (75% of the memory limit), fail fast on OOM so Kubernetes restarts the pod, tmp on the
# writable emptyDir (the root filesystem is read-only in the cluster).
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Xss4m -Djava.io.tmpdir=/tmp" \
    ANOMALYOPS_REGISTRY=/models
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000 && printf 'GET /v2/health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-cp", "/app/app.jar:/app/lib/*", "dev.anomalyops.app.cli.AnomalyOpsCli"]
CMD ["serve", "--port=8000"]

# ---- GPU runtime (ONNX Runtime CUDA on NVIDIA T4 / g4dn) ----
FROM ${JRE_IMAGE} AS jre
FROM ${CUDA_IMAGE} AS runtime-gpu
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN groupadd --system --gid 10001 anomalyops \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --shell /usr/sbin/nologin anomalyops
WORKDIR /app
COPY --from=build --chown=root:root /out/app.jar /app/app.jar
COPY --from=build --chown=root:root /out/lib-gpu/ /app/lib/
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Xss4m -Djava.io.tmpdir=/tmp" \
    ANOMALYOPS_REGISTRY=/models
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8000 && printf 'GET /v2/health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["java", "-cp", "/app/app.jar:/app/lib/*", "dev.anomalyops.app.cli.AnomalyOpsCli"]
CMD ["serve", "--port=8000", "--engine=onnxruntime", "--engine-option=onnx.provider=cuda-required"]
