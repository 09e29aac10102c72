package dev.anomalyops.core.model;

/**
 * Bounds applied when reading a bundle, because bundles are untrusted input (a zip bomb or a manifest of
 * a gigabyte must fail cleanly, not exhaust memory or disk).
 *
 * @param maxFiles most files a bundle may hold
 * @param maxTotalBytes most bytes all files together may hold once extracted
 * @param maxManifestBytes largest manifest accepted
 */
public record BundleLimits(int maxFiles, long maxTotalBytes, int maxManifestBytes) {

    /** Checks that every limit is positive. */
    public BundleLimits {
        if (maxFiles <= 0 || maxTotalBytes <= 0 || maxManifestBytes <= 0) {
            throw new IllegalArgumentException("Bundle limits must be positive but were " + maxFiles + " files, "
                    + maxTotalBytes + " bytes, " + maxManifestBytes + " manifest bytes");
        }
    }

    /** @return 256 files, 4 GiB in all, 16 MiB of manifest */
    public static BundleLimits defaults() {
        return new BundleLimits(256, 4L << 30, 16 << 20);
    }
}
