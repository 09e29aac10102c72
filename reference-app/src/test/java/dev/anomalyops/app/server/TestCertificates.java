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
import java.util.concurrent.TimeUnit;

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
        for (Process p : pairs) {
            await(p);
        }
        await(start("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem"));
        await(start("-exportcert", "-rfc", "-alias", "rogue", "-keystore", "rogue.p12", "-file", "rogue.pem"));
        sign("server", "SAN=dns:localhost,ip:127.0.0.1", "EKU=serverAuth");
        sign("client", "SAN=dns:inference-client", "EKU=clientAuth");
        for (String name : List.of("server", "client", "rogue")) {
            writeKey(name);
        }
    }

    private void sign(String name, String san, String eku) throws Exception {
        await(start("-certreq", "-alias", name, "-keystore", name + ".p12", "-file", name + ".csr"));
        await(start("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", name + ".csr", "-outfile",
                name + ".pem", "-rfc", "-ext", san, "-ext", eku, "-validity", "2"));
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

    /** @return the base64 body of the server's private key: a secret that must never be logged */
    String serverKeyBody() throws IOException {
        return Files.readString(serverKey).replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "").replace("\n", "");
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
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
