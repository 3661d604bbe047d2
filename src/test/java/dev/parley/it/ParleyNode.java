package dev.parley.it;

import dev.parley.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A Parley node of a test cluster, on either server, with the build's WAR on a free port and its settings as
 * system properties: the build's WildFly ({@code jboss.home}) with a base directory of its own under {@code
 * target/nodes/}, or the build's Payara Micro. Stopped (SIGTERM: a graceful shutdown) or killed (SIGKILL) by
 * the PID of its JVM.
 */
public final class ParleyNode implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    /** HTTP/1.1: no h2c upgrade in the way of a plain readiness check. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    public final String id;
    public final int port;
    final Path base;
    private final Process launcher;

    private ParleyNode(String id, int port, Path base, Process launcher) {
        this.id = id;
        this.port = port;
        this.base = base;
        this.launcher = launcher;
    }

    /** The servers a node can run on. */
    enum Server {
        WILDFLY, PAYARA
    }

    /** Launches a node on {@code server}; {@link #awaitReady()} waits until it serves Parley. */
    static ParleyNode launch(Server server, String id, Map<String, String> settings) throws IOException {
        return launch(server, id, settings, Map.of());
    }

    /**
     * Launches a node whose server's own login knows {@code logins} (user to password): WildFly's application
     * users (the "other" security domain), Payara's file realm.
     */
    static ParleyNode launch(Server server, String id, Map<String, String> settings, Map<String, String> logins)
            throws IOException {
        return launch(server, id, settings, logins, FreePorts.next());
    }

    /** As {@link #launch(Server, String, Map, Map)}, on {@code port}: a node that replaces a stopped one. */
    static ParleyNode launch(Server server, String id, Map<String, String> settings, Map<String, String> logins,
            int port) throws IOException {
        return server == Server.WILDFLY ? wildFly(id, settings, logins, port) : payara(id, settings, logins, port);
    }

    /** Launches a WildFly node. */
    public static ParleyNode wildFly(String id, Map<String, String> settings) throws IOException {
        return wildFly(id, settings, Map.of(), FreePorts.next());
    }

    private static ParleyNode wildFly(String id, Map<String, String> settings, Map<String, String> logins, int port)
            throws IOException {
        Path home = Path.of(System.getProperty("jboss.home", "target/server")).toAbsolutePath();
        Path base = baseOf(id, port);
        copyTree(home.resolve("standalone").resolve("configuration"), base.resolve("configuration"));
        StringBuilder users = new StringBuilder("\n");
        // what add-user.sh writes: the hex MD5 of user:realm:password
        logins.forEach((user, password) -> users.append(user).append('=')
                .append(md5Hex(user + ":ApplicationRealm:" + password)).append('\n'));
        Files.writeString(base.resolve("configuration").resolve("application-users.properties"), users,
                StandardOpenOption.APPEND);
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(war(), base.resolve("deployments").resolve("parley.war"), StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin").resolve("standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base, "-Djboss.http.port=" + port,
                "-Djboss.management.http.port=" + FreePorts.next(), "-Djboss.bind.address=127.0.0.1",
                "-Djboss.bind.address.management=127.0.0.1");
        builder.environment().put("JAVA_OPTS", String.join(" ", jvmOptions(settings, base)));
        builder.environment().put("JBOSS_HOME", home.toString());
        return new ParleyNode(id, port, base, start(builder, base));
    }

    /** Launches a Payara Micro node, with the post-boot commands the README gives. */
    static ParleyNode payara(String id, Map<String, String> settings) throws IOException {
        return payara(id, settings, Map.of(), FreePorts.next());
    }

    private static ParleyNode payara(String id, Map<String, String> settings, Map<String, String> logins, int port)
            throws IOException {
        Path jar = Path.of(System.getProperty("payara.microJar", "target/payara-micro.jar")).toAbsolutePath();
        Path base = baseOf(id, port);
        Files.createDirectories(base);
        Path postBoot = base.resolve("post-boot-commands.asadmin");
        StringBuilder commands = new StringBuilder(Files.readString(Path.of("server-config", "payara",
                "post-boot-commands.asadmin")));
        for (Map.Entry<String, String> login : logins.entrySet()) {
            Path password = base.resolve("password-" + login.getKey());
            Files.writeString(password, "AS_ADMIN_USERPASSWORD=" + login.getValue() + "\n");
            commands.append("\ncreate-file-user --groups parley --passwordfile ").append(password).append(' ')
                    .append(login.getKey()).append('\n');
        }
        Files.writeString(postBoot, commands);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions(settings, base));
        command.addAll(List.of("-Djava.io.tmpdir=" + base, "-jar", jar.toString(), "--nocluster", "--port",
                Integer.toString(port), "--postbootcommandfile", postBoot.toString(),
                "--deploy", war().toString()));
        return new ParleyNode(id, port, base, start(new ProcessBuilder(command), base));
    }

    private static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path war() {
        return Path.of(System.getProperty("parley.war", "target/parley.war")).toAbsolutePath();
    }

    private static Path baseOf(String id, int port) {
        return Path.of("target", "nodes", id + "-" + port).toAbsolutePath();
    }

    /**
     * With {@code -Dparley.node.jfr=true} (the benchmark's PARLEY_BENCH_JFR), a JFR profile in the node's base
     * directory; with {@code -Dparley.node.perf=true} (PARLEY_BENCH_PERF), frame pointers kept and the JIT's
     * symbols written to /tmp/perf-PID.map at exit, so that Linux perf can name the Java frames it samples.
     */
    private static List<String> jvmOptions(Map<String, String> settings, Path base) {
        List<String> options = new ArrayList<>(List.of("-Xms64m", "-Xmx384m", "-Djava.net.preferIPv4Stack=true"));
        if (Boolean.getBoolean("parley.node.jfr")) {
            options.add("-XX:StartFlightRecording=filename=" + base.resolve("node.jfr") + ",settings=profile,dumponexit=true");
        }
        if (Boolean.getBoolean("parley.node.perf")) {
            options.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+DumpPerfMapAtExit", "-XX:+PreserveFramePointer"));
        }
        settings.forEach((key, value) -> options.add("-D" + key + "=" + value));
        return options;
    }

    private static Process start(ProcessBuilder builder, Path base) throws IOException {
        return builder.redirectErrorStream(true).redirectOutput(base.resolve("console.log").toFile()).start();
    }

    /** Waits until Parley answers its status page on this node. */
    public ParleyNode awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        HttpRequest status = HttpRequest.newBuilder(http("api/status")).timeout(Duration.ofSeconds(2)).build();
        String last = "nothing yet";
        while (System.nanoTime() < deadline) {
            if (!launcher.isAlive()) {
                throw new IOException("node " + id + " exited with " + launcher.exitValue() + "; see " + base);
            }
            try {
                int code = HTTP.send(status, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (code == 200) {
                    return this;
                }
                last = "HTTP " + code;
            } catch (IOException notYet) { // not listening yet
                last = notYet.toString();
            }
            Thread.sleep(200);
        }
        throw new IOException("node " + id + " did not serve Parley within " + STARTUP + " (last: " + last + "); see " + base);
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port + Deployments.CONTEXT_ROOT + path);
    }

    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port + Deployments.CONTEXT_ROOT + path);
    }

    /** The node's JVM, if it is running: the launched process, or the one WildFly's launch script started. */
    private Optional<ProcessHandle> jvm() {
        return Stream.concat(Stream.of(launcher.toHandle()), launcher.descendants())
                .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
    }

    /** The PID of the node's JVM, once it runs: what a benchmark measures and pins. */
    public long jvmPid() {
        return jvm().orElseThrow(() -> new IllegalStateException("node " + id + " has no JVM running")).pid();
    }

    /** SIGKILL: the node dies at once, as on a power cut, without leaving the cluster. */
    public void kill() throws InterruptedException {
        Optional<ProcessHandle> jvm = jvm();
        jvm.ifPresent(ProcessHandle::destroyForcibly);
        jvm.ifPresent(p -> p.onExit().join());
        launcher.waitFor(10, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return jvm().map(ProcessHandle::isAlive).orElse(false);
    }

    /** SIGTERM, as an operator's stop: the node shuts down gracefully; SIGKILL if it takes too long. */
    @Override
    public void close() throws InterruptedException {
        ProcessHandle jvm = jvm().orElse(null);
        if (jvm != null) {
            jvm.destroy();
            try {
                jvm.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                jvm.destroyForcibly();
            }
        }
        if (!launcher.waitFor(10, TimeUnit.SECONDS)) {
            launcher.destroyForcibly();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(file -> {
                try {
                    Path target = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
