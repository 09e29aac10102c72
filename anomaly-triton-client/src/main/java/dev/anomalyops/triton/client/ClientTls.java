package dev.anomalyops.triton.client;

import dev.anomalyops.triton.internal.PemTls;
import java.nio.file.Path;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings of a client: what to trust (null: the JVM's defaults) and the client certificate for mutual TLS.
 *
 * @param trustCertificates PEM certificates to trust
 * @param certificateChain PEM client certificate chain
 * @param privateKey PKCS#8 PEM key of the chain
 */
record ClientTls(@Nullable Path trustCertificates, @Nullable Path certificateChain, @Nullable Path privateKey) {
    SSLContext context() {
        return PemTls.context(trustCertificates, certificateChain, privateKey);
    }

    TrustManager[] trustManagers() {
        return PemTls.trustManagers(trustCertificates);
    }

    KeyManager[] keyManagers() {
        return PemTls.keyManagers(certificateChain, privateKey);
    }
}
