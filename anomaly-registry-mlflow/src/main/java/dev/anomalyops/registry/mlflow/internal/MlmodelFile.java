package dev.anomalyops.registry.mlflow.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes the {@code MLmodel} file MLflow expects at the root of a registered model's directory, so that the
 * MLflow UI and Python tools recognise the directory as a model. The {@code anomalyops} flavor points at the
 * bundle manifest; XGBoost bundles also get MLflow's {@code xgboost} flavor, whose {@code data} is the model
 * file, so that {@code mlflow.xgboost.load_model} can read the booster. No {@code python_function} flavor
 * is written: our bundles carry no Python environment.
 */
public final class MlmodelFile {
    private static final DateTimeFormatter UTC_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private MlmodelFile() {}

    /**
     * @param artifactPath the directory's path inside the run, e.g. {@code model}
     * @param runId the run that holds it
     * @param formatId our model format id, e.g. {@code xgboost-json}
     * @param modelFile the model file's name inside the bundle
     * @param manifestFile the manifest's name
     * @param bundleChecksum the bundle checksum
     * @param modelUuid a fresh id for this model directory
     * @param createdAt when the registration happened
     * @return the YAML text
     */
    public static String yaml(String artifactPath, String runId, String formatId, String modelFile, String manifestFile,
            String bundleChecksum, String modelUuid, Instant createdAt) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("artifact_path: ").append(quote(artifactPath)).append('\n');
        yaml.append("flavors:\n");
        yaml.append("  anomalyops:\n");
        yaml.append("    bundle_checksum: ").append(quote(bundleChecksum)).append('\n');
        yaml.append("    bundle_format: 1\n");
        yaml.append("    format: ").append(quote(formatId)).append('\n');
        yaml.append("    manifest: ").append(quote(manifestFile)).append('\n');
        yaml.append("    model_file: ").append(quote(modelFile)).append('\n');
        String xgboostFormat = switch (formatId) {
            case "xgboost-json" -> "json";
            case "xgboost-ubj" -> "ubj";
            default -> null;
        };
        if (xgboostFormat != null) {
            yaml.append("  xgboost:\n");
            yaml.append("    data: ").append(quote(modelFile)).append('\n');
            yaml.append("    model_class: xgboost.core.Booster\n");
            yaml.append("    model_format: ").append(xgboostFormat).append('\n');
        }
        yaml.append("model_uuid: ").append(quote(modelUuid)).append('\n');
        yaml.append("run_id: ").append(quote(runId)).append('\n');
        yaml.append("utc_time_created: ").append(quote(UTC_TIME.format(createdAt))).append('\n');
        return yaml.toString();
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
