package dev.parley.it;

import dev.parley.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx in front of the test server, run with the shipped {@code server-config/nginx/parley.conf}:
 * only its upstream and listen lines are the test's. It connects upstream from {@code proxyAddress}, so
 * that the server can tell it from a direct client. Stopped by its PID.
 */
final class Nginx implements AutoCloseable {

    private static final Path SHIPPED = Path.of("server-config", "nginx", "parley.conf");

    final int port;
    private final Process process;

    private Nginx(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static Nginx start(int upstreamPort, String proxyAddress) throws IOException, InterruptedException {
        return start(List.of(upstreamPort), proxyAddress);
    }

    /** In front of several nodes, which it takes in turn (round robin, skipping any that refuses). */
    static Nginx start(List<Integer> upstreamPorts, String proxyAddress) throws IOException, InterruptedException {
        return start(FreePorts.next(), upstreamPorts, proxyAddress);
    }

    /** As {@link #start(List, String)}, listening on {@code port} of 127.0.0.1. */
    static Nginx start(int port, List<Integer> upstreamPorts, String proxyAddress) throws IOException, InterruptedException {
        String upstream = upstreamPorts.stream().map(p -> "    server 127.0.0.1:" + p + ";\n").collect(Collectors.joining());
        Path dir = Files.createDirectories(Path.of("target", "nginx-" + port).toAbsolutePath());
        Files.createDirectories(dir.resolve("tmp"));
        String site = Files.readString(SHIPPED)
                .replaceAll("(?s)upstream parley \\{.*?\\n}", "upstream parley {\n" + upstream + "}")
                .replace("listen 80;", "listen 127.0.0.1:" + port + ";")
                .replace("proxy_pass http://parley;", "proxy_pass http://parley;\n        proxy_bind " + proxyAddress + ";");
        if (!site.contains(upstream) || !site.contains("proxy_bind")) {
            throw new IllegalStateException(SHIPPED + " no longer has the lines this test replaces");
        }
        Files.writeString(dir.resolve("parley.conf"), site);
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("error.log") + " info;",
                "events { worker_connections 4096; }",
                "http {",
                "    access_log " + dir.resolve("access.log") + ";",
                "    client_body_temp_path " + dir.resolve("tmp") + "/body;",
                "    proxy_temp_path " + dir.resolve("tmp") + "/proxy;",
                "    fastcgi_temp_path " + dir.resolve("tmp") + "/fastcgi;",
                "    uwsgi_temp_path " + dir.resolve("tmp") + "/uwsgi;",
                "    scgi_temp_path " + dir.resolve("tmp") + "/scgi;",
                "    include " + dir.resolve("parley.conf") + ";",
                "}", ""));
        // Debian puts it in /usr/sbin, which a non-root PATH may lack
        String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
        Process process = new ProcessBuilder(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(port, process);
        nginx.awaitListening();
        return nginx;
    }

    private void awaitListening() throws IOException, InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + "; see target/nginx-" + port);
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nginx never listened on " + port);
    }


    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
