package dev.anomalyops.core.registry;

import dev.anomalyops.core.model.ModelManifest;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A reference to a registered model in text form: {@code name/3} (a version), {@code name@champion} (an
 * alias) or {@code name} (the latest version).
 *
 * @param model the model name
 * @param version the version number, if the reference names one
 * @param alias the alias, if the reference names one
 */
public record ModelRef(String model, OptionalInt version, Optional<String> alias) {

    /** Checks that at most one of version and alias is set. */
    public ModelRef {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(alias, "alias");
        ModelManifest.requireName(model);
        if (version.isPresent() && alias.isPresent()) {
            throw new IllegalArgumentException("A model reference names a version or an alias, not both");
        }
        alias.ifPresent(Aliases::requireValid);
    }

    /**
     * @param text {@code name}, {@code name/3} or {@code name@alias}
     * @return the reference
     * @throws IllegalArgumentException when the text has none of those forms
     */
    public static ModelRef parse(String text) {
        int at = text.indexOf('@');
        if (at >= 0) {
            return new ModelRef(text.substring(0, at), OptionalInt.empty(), Optional.of(text.substring(at + 1)));
        }
        int slash = text.indexOf('/');
        if (slash >= 0) {
            String number = text.substring(slash + 1);
            if (!number.matches("[1-9][0-9]{0,8}")) {
                throw new IllegalArgumentException("Model reference \"" + text
                        + "\" must end in a positive version number after '/' (e.g. \"cpu/3\")");
            }
            return new ModelRef(text.substring(0, slash), OptionalInt.of(Integer.parseInt(number)), Optional.empty());
        }
        return new ModelRef(text, OptionalInt.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        if (version.isPresent()) {
            return model + "/" + version.getAsInt();
        }
        return alias.map(a -> model + "@" + a).orElse(model);
    }
}
