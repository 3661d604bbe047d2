package dev.parley.chat.bus.redis;

import dev.parley.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis of the test's own (Debian's redis-server), on a free loopback port, without persistence or
 * with AOF, stopped by its PID; it can be killed and started again on the same port and directory.
 */
public final class RedisProcess implements AutoCloseable {

    final int port;
    private final boolean aof;
    private final Path dir;
    /** More of redis-server's arguments. */
    private final List<String> more;
    private Process process;

    private RedisProcess(int port, boolean aof, Path dir, List<String> more) {
        this.port = port;
        this.aof = aof;
        this.dir = dir;
        this.more = more;
    }

    /** Without persistence: a restart comes back empty. */
    public static RedisProcess start() throws IOException, InterruptedException {
        return start(false);
    }

    /** With {@code aof}, every write is appended and fsynced at once, so that a restart keeps all. */
    public static RedisProcess start(boolean aof) throws IOException, InterruptedException {
        return start(aof, List.of());
    }

    /** A replica, without persistence, of the Redis on the loopback {@code port}. */
    public static RedisProcess replicaOf(int port) throws IOException, InterruptedException {
        return start(false, List.of("--replicaof", "127.0.0.1", Integer.toString(port)));
    }

    private static RedisProcess start(boolean aof, List<String> more) throws IOException, InterruptedException {
        int port = FreePorts.next();
        Path dir = Files.createDirectories(Path.of("target", "redis-" + port).toAbsolutePath());
        RedisProcess redis = new RedisProcess(port, aof, dir, more);
        redis.launch();
        return redis;
    }

    private void launch() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--dir", dir.toString()));
        command.addAll(aof ? List.of("--appendonly", "yes", "--appendfsync", "always") : List.of("--appendonly", "no"));
        command.addAll(more);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        awaitPong(Duration.ofSeconds(10));
    }

    /** SIGKILL, then a new redis-server on the same port and directory after {@code down}. */
    public void restart(Duration down) throws IOException, InterruptedException {
        kill();
        Thread.sleep(down.toMillis());
        launch();
    }

    /** SIGKILL, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one command and returns its answer: a String or Long, or a List of them. */
    public Object command(String... args) throws IOException {
        return command(port, args);
    }

    /** Sends one command to the Redis on a loopback {@code port}. */
    static Object command(int port, String... args) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg)
                        .append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return reply(socket.getInputStream());
        }
    }

    /** How many subscribers (one per node) the sharded channel has. */
    long shardSubscribers(String channel) throws IOException {
        return shardSubscribers(port, channel);
    }

    static long shardSubscribers(int port, String channel) throws IOException {
        List<?> reply = (List<?>) command(port, "PUBSUB", "SHARDNUMSUB", channel);
        return (Long) reply.get(1);
    }

    private static Object reply(InputStream in) throws IOException {
        String line = line(in);
        switch (line.charAt(0)) {
            case ':':
                return Long.parseLong(line.substring(1));
            case '$':
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] bulk = in.readNBytes(length + 2); // and its CRLF: a bulk string may hold lines (CLUSTER INFO)
                return new String(bulk, 0, length, StandardCharsets.UTF_8);
            case '*':
                List<Object> items = new ArrayList<>();
                for (long i = Long.parseLong(line.substring(1)); i > 0; i--) {
                    items.add(reply(in));
                }
                return items;
            case '-':
                throw new IOException("Redis refused: " + line);
            default:
                return line.substring(1);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("Redis closed the connection");
            }
            line.append((char) c);
        }
        return line.toString().trim();
    }

    private void awaitPong(Duration within) throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(within);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; see its log in target");
            }
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(50);
        }
        throw new IOException("redis-server on port " + port + " did not answer PING within " + within);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM to its PID
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

}
