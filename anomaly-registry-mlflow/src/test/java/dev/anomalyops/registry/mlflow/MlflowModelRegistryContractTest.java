package dev.anomalyops.registry.mlflow;

import dev.anomalyops.core.registry.ModelRegistry;
import dev.anomalyops.core.testing.ModelRegistryContract;
import dev.anomalyops.registry.mlflow.testing.FakeMlflowServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The shared registry contract against {@link MlflowModelRegistry} talking HTTP to {@link FakeMlflowServer},
 * an in-process stand-in for MLflow (MLflow itself cannot run here: it needs Python packages we cannot
 * install). The fake serves small pages so that every listing in the contract follows page tokens, and
 * renders int64 fields as strings. Each test gets a fresh server.
 */
class MlflowModelRegistryContractTest extends ModelRegistryContract {
    private FakeMlflowServer server;

    @Override
    protected ModelRegistry createRegistry() throws Exception {
        server = FakeMlflowServer.builder().maxPageSize(5).start();
        return MlflowModelRegistry.builder(server.uri()).cacheDirectory(temp.resolve("cache"))
                .pollInterval(Duration.ofMillis(5)).retryBackoff(Duration.ofMillis(1)).build();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /**
     * The same contract for servers older than MLflow 2.3 (no alias endpoints): aliases in the journal,
     * {@code staging} and {@code production} mirrored to stages.
     */
    @Nested
    class OnServersWithoutAliases extends ModelRegistryContract {
        private FakeMlflowServer oldServer;

        @Override
        protected ModelRegistry createRegistry() throws Exception {
            oldServer = FakeMlflowServer.builder().aliasEndpoints(false).registeredModelTagFilters(false)
                    .int64AsStrings(false).start();
            return MlflowModelRegistry.builder(oldServer.uri()).aliasMode(MlflowModelRegistry.AliasMode.STAGES)
                    .cacheDirectory(temp.resolve("cache")).retryBackoff(Duration.ofMillis(1)).build();
        }

        @AfterEach
        void stopOldServer() {
            oldServer.close();
        }
    }
}
