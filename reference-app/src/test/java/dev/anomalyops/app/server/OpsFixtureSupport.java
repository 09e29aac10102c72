package dev.anomalyops.app.server;

import java.nio.file.Path;

/** Operations for security tests: defaults with state in a test directory and no fixed admin token. */
final class OpsFixtureSupport {
    private OpsFixtureSupport() {}

    static ReferenceServer.Operations operations(Path state) {
        ReferenceServer.Operations d = ReferenceServer.Operations.defaults();
        return new ReferenceServer.Operations(state, null, d.canaryPolicy(), d.evaluateEvery(), d.abTests(),
                d.driftWindow(), d.clock(), d.scorerHook());
    }
}
