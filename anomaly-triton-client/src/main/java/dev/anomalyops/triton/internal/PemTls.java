package dev.anomalyops.triton.internal;

import dev.anomalyops.core.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Key and trust managers from PEM files, the form Kubernetes secrets and cert-manager hand out: certificates
 * ({@code BEGIN CERTIFICATE}) and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}, RSA or EC). The JDK
 * has no PEM reader before Java 25, hence this one; PKCS#1 keys ({@code BEGIN RSA PRIVATE KEY}) are refused with the
 * command that converts them.
 */
public final class PemTls {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private PemTls() {}

    /**
     * @param trustCertificates PEM certificates to trust (a CA or the server's own); null trusts the JVM's defaults
     * @param certificateChain PEM certificate chain presented as client certificate (mTLS); null for none
     * @param privateKey PKCS#8 PEM key of {@code certificateChain}; null exactly when it is null
     * @return a TLS context
     * @throws ConfigurationException when a file is missing or holds no usable certificate or key
     */
    public static SSLContext context(@Nullable Path trustCertificates, @Nullable Path certificateChain,
            @Nullable Path privateKey) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(certificateChain, privateKey), trustManagers(trustCertificates), new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("Could not set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * @param trustCertificates PEM certificates to trust; null for the JVM's default trust store
     * @return trust managers
     */
    public static TrustManager[] trustManagers(@Nullable Path trustCertificates) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trustCertificates == null) {
                factory.init((KeyStore) null);
            } else {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate certificate : certificates(trustCertificates)) {
                    store.setCertificateEntry("trusted-" + i++, certificate);
                }
                factory.init(store);
            }
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigurationException("Could not read the trusted certificates \"" + trustCertificates + "\": "
                    + e.getMessage(), e);
        }
    }

    /**
     * @param certificateChain PEM certificate chain, leaf first; null for none
     * @param privateKey PKCS#8 PEM key; null exactly when {@code certificateChain} is null
     * @return key managers, empty without a certificate
     */
    public static KeyManager[] keyManagers(@Nullable Path certificateChain, @Nullable Path privateKey) {
        if (certificateChain == null && privateKey == null) {
            return new KeyManager[0];
        }
        if (certificateChain == null || privateKey == null) {
            throw new ConfigurationException("A client certificate needs both its certificate chain and its private key"
                    + " but received chain \"" + certificateChain + "\" and key \"" + privateKey + "\"");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setKeyEntry("client", privateKey(privateKey), NO_PASSWORD,
                    certificates(certificateChain).toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigurationException("Could not read the client certificate \"" + certificateChain
                    + "\" with key \"" + privateKey + "\": " + e.getMessage(), e);
        }
    }

    /**
     * @param file PEM file with one or more certificates
     * @return the certificates, in file order
     * @throws IOException when the file cannot be read
     * @throws GeneralSecurityException when a certificate does not parse
     */
    public static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>();
        for (byte[] der : blocks(file, "CERTIFICATE")) {
            Collection<? extends Certificate> parsed = factory.generateCertificates(new ByteArrayInputStream(der));
            out.addAll(parsed);
        }
        if (out.isEmpty()) {
            throw new ConfigurationException("The file \"" + file + "\" holds no PEM certificate (BEGIN CERTIFICATE)");
        }
        return out;
    }

    /**
     * @param file PEM file with an unencrypted PKCS#8 key
     * @return the key (RSA, EC or Ed25519)
     * @throws IOException when the file cannot be read
     * @throws GeneralSecurityException when the key does not parse
     */
    public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        List<byte[]> keys = blocks(file, "PRIVATE KEY");
        if (keys.size() != 1) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            String hint = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                    ? ": it is a PKCS#1/SEC1 key; convert it with \"openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8\""
                    : text.contains("ENCRYPTED PRIVATE KEY") ? ": encrypted keys are not supported" : "";
            throw new ConfigurationException("The file \"" + file + "\" must hold exactly one unencrypted PKCS#8 key"
                    + " (BEGIN PRIVATE KEY) but holds " + keys.size() + hint);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // try the next algorithm: PKCS#8 names it inside, but the JDK asks for it up front
            }
        }
        throw new ConfigurationException("The key in \"" + file + "\" is not an RSA, EC or Ed25519 PKCS#8 key");
    }

    private static List<byte[]> blocks(Path file, String type) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ConfigurationException("The PEM file \"" + file + "\" does not exist");
        }
        Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.ISO_8859_1));
        List<byte[]> out = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            }
        }
        return out;
    }
}
