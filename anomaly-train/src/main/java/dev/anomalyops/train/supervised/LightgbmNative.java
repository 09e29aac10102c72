package dev.anomalyops.train.supervised;

import com.microsoft.ml.lightgbm.SWIGTYPE_p_double;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_float;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_int;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_long_long;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_p_void;
import com.microsoft.ml.lightgbm.SWIGTYPE_p_void;
import com.microsoft.ml.lightgbm.lightgbmlib;
import dev.anomalyops.core.BackendUnavailableException;
import dev.anomalyops.core.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Loads LightGBM's native libraries from the lightgbmlib jar, once per JVM and only when first needed, and wraps
 * the few SWIG calls the trainer and the scorer make. The jar carries {@code lib_lightgbm.so} and
 * {@code lib_lightgbm_swig.so} under {@code com/microsoft/ml/lightgbm/<os>/<arch>/}; the first must be loaded
 * before the second, which links against it.
 */
final class LightgbmNative {
    private LightgbmNative() {}

    /** The holder idiom: the load happens on first use and its outcome is kept. */
    private static final class Holder {
        static final Throwable FAILURE = load();
    }

    static boolean isAvailable() {
        try {
            return Holder.FAILURE == null;
        } catch (LinkageError e) {
            return false;
        }
    }

    static void ensureLoaded() {
        Throwable failure;
        try {
            failure = Holder.FAILURE;
        } catch (LinkageError e) {
            failure = e;
        }
        if (failure != null) {
            throw new BackendUnavailableException("LightGBM's native library cannot load from"
                    + " com.microsoft.ml.lightgbm:lightgbmlib: " + failure.getMessage(), failure);
        }
    }

    private static Throwable load() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String folder;
        String[] files;
        if (os.contains("linux")) {
            folder = "linux";
            files = new String[] {"lib_lightgbm.so", "lib_lightgbm_swig.so"};
        } else if (os.contains("mac")) {
            folder = "osx";
            files = new String[] {"lib_lightgbm.dylib", "lib_lightgbm_swig.dylib"};
        } else if (os.contains("win")) {
            folder = "windows";
            files = new String[] {"lib_lightgbm.dll", "lib_lightgbm_swig.dll"};
        } else {
            return new UnsupportedOperationException("no LightGBM native library for " + os);
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return new UnsupportedOperationException("lightgbmlib 3.3.510 ships x86_64 libraries only, not " + arch);
        }
        try {
            Path directory = Files.createTempDirectory("anomalyops-lightgbm-");
            directory.toFile().deleteOnExit();
            for (String file : files) {
                String resource = "/com/microsoft/ml/lightgbm/" + folder + "/x86_64/" + file;
                Path target = directory.resolve(file);
                try (InputStream in = lightgbmlib.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        return new IOException("resource " + resource + " is missing from the lightgbmlib jar");
                    }
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                target.toFile().deleteOnExit();
                System.load(target.toString());
            }
            return null;
        } catch (IOException | LinkageError | SecurityException e) {
            return e;
        }
    }

    /** Throws when a C API call returned non-zero, with LightGBM's own message. */
    static void check(int code, String what) {
        if (code != 0) {
            throw new ModelException("LightGBM " + what + " failed: " + lightgbmlib.LastErrorMsg());
        }
    }

    static SWIGTYPE_p_float floats(float[] values, int count) {
        SWIGTYPE_p_float array = lightgbmlib.new_floatArray(Math.max(count, 1));
        for (int i = 0; i < count; i++) {
            lightgbmlib.floatArray_setitem(array, i, values[i]);
        }
        return array;
    }

    /** Creates a dataset; {@code reference} (or null) aligns a validation set's bins with the training set's. */
    static SWIGTYPE_p_void dataset(TrainingData data, String parameters, @Nullable SWIGTYPE_p_void reference) {
        int rows = data.size();
        int columns = data.rows().columns();
        SWIGTYPE_p_float values = floats(data.rows().values(), rows * columns);
        SWIGTYPE_p_p_void out = lightgbmlib.new_voidpp();
        SWIGTYPE_p_float labels = null;
        SWIGTYPE_p_float weights = null;
        try {
            check(lightgbmlib.LGBM_DatasetCreateFromMat(lightgbmlib.float_to_voidp_ptr(values),
                    lightgbmlib.C_API_DTYPE_FLOAT32, rows, columns, 1, parameters, reference, out), "dataset creation");
            SWIGTYPE_p_void dataset = lightgbmlib.voidpp_value(out);
            float[] l = new float[rows];
            for (int i = 0; i < rows; i++) {
                l[i] = data.labels()[i];
            }
            labels = floats(l, rows);
            check(lightgbmlib.LGBM_DatasetSetField(dataset, "label", lightgbmlib.float_to_voidp_ptr(labels), rows,
                    lightgbmlib.C_API_DTYPE_FLOAT32), "setting labels");
            weights = floats(data.weights(), rows);
            check(lightgbmlib.LGBM_DatasetSetField(dataset, "weight", lightgbmlib.float_to_voidp_ptr(weights), rows,
                    lightgbmlib.C_API_DTYPE_FLOAT32), "setting weights");
            String[] names = data.schema().names().toArray(String[]::new);
            check(lightgbmlib.LGBM_DatasetSetFeatureNames(dataset, names, names.length), "setting feature names");
            return dataset;
        } finally {
            lightgbmlib.delete_floatArray(values);
            lightgbmlib.delete_voidpp(out);
            if (labels != null) {
                lightgbmlib.delete_floatArray(labels);
            }
            if (weights != null) {
                lightgbmlib.delete_floatArray(weights);
            }
        }
    }

    /** Predicts probabilities for row-major float32 rows. */
    static void predict(SWIGTYPE_p_void booster, float[] rowMajor, int rows, int columns, double[] out) {
        SWIGTYPE_p_float values = floats(rowMajor, rows * columns);
        SWIGTYPE_p_long_long length = lightgbmlib.new_int64_tp();
        SWIGTYPE_p_double result = lightgbmlib.new_doubleArray(Math.max(rows, 1));
        try {
            check(lightgbmlib.LGBM_BoosterPredictForMat(booster, lightgbmlib.float_to_voidp_ptr(values),
                    lightgbmlib.C_API_DTYPE_FLOAT32, rows, columns, 1, lightgbmlib.C_API_PREDICT_NORMAL, 0, -1,
                    "num_threads=1", length, result), "prediction");
            long produced = lightgbmlib.int64_tp_value(length);
            if (produced != rows) {
                throw new ModelException("LightGBM returned " + produced + " predictions for " + rows + " rows");
            }
            for (int i = 0; i < rows; i++) {
                out[i] = lightgbmlib.doubleArray_getitem(result, i);
            }
        } finally {
            lightgbmlib.delete_floatArray(values);
            lightgbmlib.delete_int64_tp(length);
            lightgbmlib.delete_doubleArray(result);
        }
    }

    /** Loads a booster from LightGBM's text model format. */
    static SWIGTYPE_p_void load(String model) {
        SWIGTYPE_p_p_void out = lightgbmlib.new_voidpp();
        SWIGTYPE_p_int iterations = lightgbmlib.new_intp();
        try {
            check(lightgbmlib.LGBM_BoosterLoadModelFromString(model, iterations, out), "model loading");
            return lightgbmlib.voidpp_value(out);
        } finally {
            lightgbmlib.delete_voidpp(out);
            lightgbmlib.delete_intp(iterations);
        }
    }

    /** Saves the first {@code iterations} rounds in LightGBM's text model format. */
    static String save(SWIGTYPE_p_void booster, int iterations) {
        SWIGTYPE_p_long_long length = lightgbmlib.new_int64_tp();
        try {
            long buffer = 1 << 20;
            for (int attempt = 0; attempt < 2; attempt++) {
                String text = lightgbmlib.LGBM_BoosterSaveModelToStringSWIG(booster, 0, iterations, 0, buffer, length);
                long needed = lightgbmlib.int64_tp_value(length);
                if (text != null && needed <= buffer) {
                    return text;
                }
                buffer = needed + 1;
            }
            throw new ModelException("LightGBM could not serialise the model: " + lightgbmlib.LastErrorMsg());
        } finally {
            lightgbmlib.delete_int64_tp(length);
        }
    }

    static int features(SWIGTYPE_p_void booster) {
        SWIGTYPE_p_int out = lightgbmlib.new_intp();
        try {
            check(lightgbmlib.LGBM_BoosterGetNumFeature(booster, out), "reading the feature count");
            return lightgbmlib.intp_value(out);
        } finally {
            lightgbmlib.delete_intp(out);
        }
    }

    static double[] importance(SWIGTYPE_p_void booster, int features, int type) {
        SWIGTYPE_p_double out = lightgbmlib.new_doubleArray(Math.max(features, 1));
        try {
            check(lightgbmlib.LGBM_BoosterFeatureImportance(booster, 0, type, out), "feature importance");
            double[] values = new double[features];
            for (int i = 0; i < features; i++) {
                values[i] = lightgbmlib.doubleArray_getitem(out, i);
            }
            return values;
        } finally {
            lightgbmlib.delete_doubleArray(out);
        }
    }

    /** The first metric's value on dataset {@code index} (0 = training rows, 1 = the first validation set). */
    static double eval(SWIGTYPE_p_void booster, int index) {
        SWIGTYPE_p_int counts = lightgbmlib.new_intp();
        SWIGTYPE_p_int length = lightgbmlib.new_intp();
        try {
            check(lightgbmlib.LGBM_BoosterGetEvalCounts(booster, counts), "reading the metric count");
            int n = lightgbmlib.intp_value(counts);
            if (n < 1) {
                return Double.NaN;
            }
            SWIGTYPE_p_double values = lightgbmlib.new_doubleArray(n);
            try {
                check(lightgbmlib.LGBM_BoosterGetEval(booster, index, length, values), "evaluation");
                return lightgbmlib.intp_value(length) < 1 ? Double.NaN : lightgbmlib.doubleArray_getitem(values, 0);
            } finally {
                lightgbmlib.delete_doubleArray(values);
            }
        } finally {
            lightgbmlib.delete_intp(counts);
            lightgbmlib.delete_intp(length);
        }
    }
}
