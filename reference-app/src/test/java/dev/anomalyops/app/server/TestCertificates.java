package dev.anomalyops.app.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made at test time with the JDK's own {@code keytool} (no library, nothing checked in): a test CA, a
 * server certificate for {@code localhost}/{@code 127.0.0.1} and a client certificate signed by it, and a rogue client
 * certificate (same subject, self-signed) that no server trusts. Written as PEM (PKCS#8 keys), the form
 * {@code serve --tls-*} and {@code TritonClient} read. Made once per test JVM (about ten keytool runs).
 */
final class TestCertificates {
    private static final String PASSWORD = "changeit";
    private static TestCertificates instance;

    final Path dir;
    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path rogueCert;
    final Path rogueKey;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server.key");
        this.clientCert = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client.key");
        this.rogueCert = dir.resolve("rogue.pem");
        this.rogueKey = dir.resolve("rogue.key");
    }

    /** @return the certificates, made on first use in a temporary directory removed at JVM exit */
    static synchronized TestCertificates get() throws Exception {
        if (instance == null) {
            Path dir = Files.createTempDirectory("anomalyops-tls");
            TestCertificates c = new TestCertificates(dir);
            c.make();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            instance = c;
        }
        return instance;
    }

    private void make() throws Exception {
        // Key pairs in parallel: keytool starts a JVM each time.
        List<Process> pairs = new ArrayList<>();
        pairs.add(start("-genkeypair", "-alias", "ca", "-keystore", "ca.p12", "-dname", "CN=AnomalyOps Test CA",
                "-ext", "bc:c", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        pairs.add(start("-genkeypair", "-alias", "server", "-keystore", "server.p12", "-dname", "CN=localhost",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        pairs.add(start("-genkeypair", "-alias", "client", "-keystore", "client.p12", "-dname", "CN=inference-client",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        pairs.add(start("-genkeypair", "-alias", "rogue", "-keystore", "rogue.p12", "-dname", "CN=inference-client",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        awaitAll(pairs);
        awaitAll(List.of(start("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem"),
                start("-exportcert", "-rfc", "-alias", "rogue", "-keystore", "rogue.p12", "-file", "rogue.pem"),
                start("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr"),
                start("-certreq", "-alias", "client", "-keystore", "client.p12", "-file", "client.csr")));
        awaitAll(List.of(sign("server", "SAN=dns:localhost,ip:127.0.0.1", "EKU=serverAuth"),
                sign("client", "SAN=dns:inference-client", "EKU=clientAuth")));
        for (String name : List.of("server", "client", "rogue")) {
            writeKey(name);
        }
    }

    private Process sign(String name, String san, String eku) throws Exception {
        return start("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", name + ".csr", "-outfile",
                name + ".pem", "-rfc", "-ext", san, "-ext", eku, "-validity", "2");
    }

    private static void awaitAll(List<Process> processes) throws Exception {
        for (Process p : processes) {
            await(p);
        }
    }

    /** PKCS#8 PEM of the key in {@code name.p12}: what KeyStore hands out is already PKCS#8. */
    private void writeKey(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            store.load(in, PASSWORD.toCharArray());
        }
        Key key = store.getKey(name, PASSWORD.toCharArray());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(dir.resolve(name + ".key"), pem, StandardCharsets.US_ASCII);
    }

    /** @return a TLS context for the JDK's HTTP client that trusts the test CA */
    SSLContext trustingCa() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** @return the base64 body of the server's private key: a secret that must never be logged */
    String serverKeyBody() throws IOException {
        return Files.readString(serverKey).replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "").replace("\n", "");
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // keytool is a short-lived JVM: the C1 compiler and serial GC start it fastest.
        command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    private static void await(Process p) throws Exception {
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    private static void delete(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
