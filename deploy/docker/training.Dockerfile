# syntax=docker/dockerfile:1.7
# The training image: the anomalyops CLI plus the retrain script run by the retrain CronJob and by
# .github/workflows/retrain.yml. Build from the repository root:
#   docker build -f deploy/docker/training.Dockerfile -t anomalyops/training .

ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17.0.17_10-jre-jammy

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl reference-app -am package \
 && ./mvnw -B -q -pl reference-app dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
 && mkdir -p /out/lib \
 && cp reference-app/target/reference-app-*.jar /out/app.jar \
 && cp reference-app/target/lib/*.jar /out/lib/

FROM ${JRE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 anomalyops \
 && useradd --system --uid 10001 --gid 10001 --home-dir /work --shell /usr/sbin/nologin anomalyops
WORKDIR /work
COPY --from=build --chown=root:root /out/app.jar /app/app.jar
COPY --from=build --chown=root:root /out/lib/ /app/lib/
COPY --chown=root:root --chmod=0755 deploy/docker/retrain.sh /usr/local/bin/retrain
COPY --chown=root:root --chmod=0755 deploy/docker/anomalyops.sh /usr/local/bin/anomalyops
# Training holds a whole window of rows in memory: give the heap 80% of the container's limit.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=80.0 -XX:+ExitOnOutOfMemoryError -XX:+UseParallelGC -Xss4m -Djava.io.tmpdir=/tmp"
USER 10001:10001
# A batch job: the orchestrator (CronJob, GitHub Actions) judges it by its exit code.
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/retrain"]
