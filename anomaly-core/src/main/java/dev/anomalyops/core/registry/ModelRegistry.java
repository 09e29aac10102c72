package dev.anomalyops.core.registry;

import dev.anomalyops.core.NotFoundException;
import dev.anomalyops.core.model.ModelBundle;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stores model bundles as immutable, numbered versions and moves aliases between them.
 *
 * <p>Guarantees every implementation keeps (a shared contract test suite checks them): a registered version
 * never changes and its number is never reused; a version becomes visible only when complete; concurrent
 * registrations (threads or processes) get distinct numbers; an alias move is atomic and remembers the
 * previous target, so {@link #rollback} restores it.
 *
 * <pre>{@code
 * ModelRegistry registry = FileModelRegistry.open(Path.of("/var/lib/anomalyops/registry"));
 * ModelVersion v = registry.register("cpu", bundle, Map.of("run", "2026-11-29"));
 * registry.setAlias("cpu", Aliases.STAGING, v.version());
 * ModelBundle serving = registry.open(ModelRef.parse("cpu@staging"));
 * registry.rollback("cpu", Aliases.STAGING);   // back to what staging pointed at before
 * }</pre>
 */
public interface ModelRegistry extends AutoCloseable {

    /**
     * @param model the registered model's name (it may differ from the name inside the bundle)
     * @param bundle a verified bundle
     * @param tags searchable tags
     * @return the new version
     * @throws dev.anomalyops.core.StorageException when the version cannot be stored; no partial version is
     *     then visible
     */
    ModelVersion register(String model, ModelBundle bundle, Map<String, String> tags);

    /**
     * @param bundle a verified bundle, registered under its manifest's name without tags
     * @return the new version
     */
    default ModelVersion register(ModelBundle bundle) {
        return register(bundle.manifest().name(), bundle, Map.of());
    }

    /** @return the names of all registered models, sorted */
    List<String> models();

    /**
     * @param model a model name
     * @return its versions, oldest first; empty when the model is unknown
     */
    List<ModelVersion> versions(String model);

    /**
     * @param model a model name
     * @param version a version number
     * @return that version, if registered
     */
    Optional<ModelVersion> find(String model, int version);

    /**
     * @param model a model name
     * @param version a version number
     * @return that version
     * @throws NotFoundException when it is not registered
     */
    default ModelVersion get(String model, int version) {
        return find(model, version).orElseThrow(() -> new NotFoundException("Model \"" + model + "\" has no version "
                + version + " (registered versions: " + versions(model).stream().map(v -> v.version()).toList() + ")"));
    }

    /**
     * @param tags tags every returned version must carry with equal values
     * @return matching versions of all models, by model then version
     */
    List<ModelVersion> search(Map<String, String> tags);

    /**
     * Points {@code alias} at {@code version} in one atomic step, remembering the previous target.
     *
     * @param model a model name
     * @param alias an alias name (see {@link Aliases})
     * @param version an existing version
     * @return what moved
     * @throws NotFoundException when the version does not exist
     */
    AliasChange setAlias(String model, String alias, int version);

    /**
     * @param model a model name
     * @param alias an alias name
     * @return the version it points to, if set
     */
    Optional<ModelVersion> resolve(String model, String alias);

    /**
     * @param model a model name
     * @return every alias of the model and the version it points to
     */
    Map<String, Integer> aliases(String model);

    /**
     * Moves {@code alias} back to the version it pointed to before its last move.
     *
     * @param model a model name
     * @param alias an alias name
     * @return what moved
     * @throws NotFoundException when the alias is unset or has no earlier target
     */
    AliasChange rollback(String model, String alias);

    /**
     * @param model a model name
     * @param alias an alias to remove; nothing happens when it is unset
     */
    void deleteAlias(String model, String alias);

    /**
     * @param version a registered version
     * @return its bundle, verified against its checksums, in a local directory
     */
    ModelBundle open(ModelVersion version);

    /**
     * @param ref {@code name/3}, {@code name@alias} or {@code name} (latest)
     * @return the version the reference points to
     * @throws NotFoundException when nothing matches
     */
    default ModelVersion resolve(ModelRef ref) {
        if (ref.version().isPresent()) {
            return get(ref.model(), ref.version().getAsInt());
        }
        if (ref.alias().isPresent()) {
            return resolve(ref.model(), ref.alias().get()).orElseThrow(() -> new NotFoundException("Model \""
                    + ref.model() + "\" has no alias \"" + ref.alias().get() + "\" (aliases: " + aliases(ref.model())
                    + ")"));
        }
        List<ModelVersion> versions = versions(ref.model());
        if (versions.isEmpty()) {
            throw new NotFoundException("Model \"" + ref.model() + "\" is not registered (models: " + models() + ")");
        }
        return versions.get(versions.size() - 1);
    }

    /**
     * @param ref {@code name/3}, {@code name@alias} or {@code name} (latest)
     * @return the bundle the reference points to
     */
    default ModelBundle open(ModelRef ref) {
        return open(resolve(ref));
    }

    /** Releases clients and caches. */
    @Override
    default void close() {}
}
