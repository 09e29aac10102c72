# Shared by ./anomalyops and ./bench: build the module (and what it depends on) when its class path is
# missing or older than any source or POM, then run a main class on it.
launch() {
  local module="$1" main="$2"
  shift 2
  local target="$root/$module/target"
  local classpath_file="$target/classpath.txt"
  if [ -z "${ANOMALYOPS_SKIP_BUILD:-}" ]; then
    exec 9>"$root/.build.lock"
    flock 9
    if [ ! -f "$classpath_file" ] || [ -n "$(find "$root" -path "$root/.git" -prune -o \
        \( -path '*/src/main/*' -o -name pom.xml \) -newer "$classpath_file" -print -quit 2>/dev/null)" ]; then
      echo "Building $module (first use or sources changed) ..." >&2
      # Only what running needs: no Javadoc or source jars, no enforcer (./mvnw verify and CI run it) and, for
      # reference-app, no test compilation at all (about 30 % less CPU on a first build). benchmarks compiles against
      # anomaly-core's test-jar, so its build still compiles tests (and skips running them).
      local skip_tests="-DskipTests"
      [ "$module" = reference-app ] && skip_tests="-Dmaven.test.skip=true"
      "$root/mvnw" -q -B "$skip_tests" -Denforcer.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
        -pl "$module" -am package >&2
    fi
    flock -u 9
  fi
  local java="java"
  [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
  exec "$java" ${ANOMALYOPS_JAVA_OPTS:--XX:+UseParallelGC -Xss4m} -cp "$target/classes:$(cat "$classpath_file")" "$main" "$@"
}
