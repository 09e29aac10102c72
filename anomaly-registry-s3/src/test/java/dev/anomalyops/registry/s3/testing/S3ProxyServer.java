package dev.anomalyops.registry.s3.testing;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * A real S3-compatible server (s3proxy) on loopback, in this JVM, with signature-v4 authentication: tests
 * talk to it over HTTP with the real AWS SDK, as they would to Amazon S3.
 */
public final class S3ProxyServer implements AutoCloseable {
    /** Access key the server accepts. */
    public static final String ACCESS_KEY = "anomalyops-test";
    /** Secret key the server accepts. */
    public static final String SECRET_KEY = "anomalyops-test-secret";

    private final S3Proxy proxy;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy) {
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /**
     * @param directory where blobs are stored ({@code null} keeps them in memory)
     * @return a started server
     * @throws Exception when it cannot start
     */
    public static S3ProxyServer start(Path directory) throws Exception {
        Properties properties = new Properties();
        BlobStore store;
        if (directory == null) {
            store = BlobStores.create("transient", properties);
        } else {
            properties.setProperty("jclouds.filesystem.basedir", directory.toString());
            store = BlobStores.create("filesystem", properties);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new AtomicConditionalWrites(store))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        return new S3ProxyServer(proxy);
    }

    /**
     * Amazon S3 evaluates {@code If-None-Match}/{@code If-Match} and writes the object in one atomic step.
     * s3proxy checks the condition in its HTTP handler and writes afterwards, so two racing writers can both
     * pass the check. This wrapper evaluates the same conditions again inside a lock that also covers the
     * write, which restores the atomicity S3 documents and conditional-write clients depend on. Reads stay
     * concurrent.
     */
    private static final class AtomicConditionalWrites extends ForwardingBlobStore {
        AtomicConditionalWrites(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public synchronized PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
            if (request.ifNoneMatch() != null || request.ifMatch() != null) {
                HeadObjectResponse current = blobMetadataIfPresent(request.bucket(), request.key());
                boolean exists = current != null;
                if ("*".equals(request.ifNoneMatch()) && exists) {
                    throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
                }
                String ifMatch = request.ifMatch();
                if (ifMatch != null && !"*".equals(ifMatch)
                        && (!exists || !unquote(ifMatch).equals(unquote(current.eTag())))) {
                    throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
                }
            }
            return super.putBlob(request, content);
        }

        private static String unquote(String etag) {
            return etag == null ? "" : etag.replace("\"", "");
        }
    }

    /** @return the server's URL */
    public URI endpoint() {
        return endpoint;
    }

    /** @return a new client for this server (path-style addressing, static credentials) */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /**
     * @param bucket a bucket to create
     */
    public void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(CreateBucketRequest.builder().bucket(bucket).build());
        }
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
