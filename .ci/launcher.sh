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
      "$root/mvnw" -q -B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
        -pl "$module" -am package >&2
    fi
    flock -u 9
  fi
  local java="java"
  [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
  exec "$java" ${ANOMALYOPS_JAVA_OPTS:--XX:+UseParallelGC -Xss4m} -cp "$target/classes:$(cat "$classpath_file")" "$main" "$@"
}
