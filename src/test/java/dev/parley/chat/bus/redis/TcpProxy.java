package dev.parley.chat.bus.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free loopback port in front of a server, that a test can cut a client off with while
 * both ends keep running:
 * <ul>
 * <li>{@link #blackhole()}: nothing flows either way and the connections stay open, as behind a stopped
 * (SIGSTOP) proxy or a partitioned network. Bytes already sent wait, as they would in the socket buffers
 * or in TCP's retransmissions, and arrive on {@link #heal()}: a partition delays bytes, never loses
 * some from the middle of a stream.</li>
 * <li>{@link #cut()}: every connection is reset, and so is each new one as it comes, as when the proxy has
 * died. The port stays bound: closed, it could be taken as another socket's source port and not be bound
 * again (CI saw that).</li>
 * <li>{@link #heal()}: bytes flow again, and connections are let through again.</li>
 * </ul>
 * Plain blocking sockets, two threads per connection.
 */
public final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final int port;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private ServerSocket listener;
    private boolean flowing = true;
    private boolean cut;
    private boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        accepting(listener);
    }

    /** A proxy to {@code host:port}, accepting at once. */
    public static TcpProxy to(String host, int port) throws IOException {
        return new TcpProxy(new InetSocketAddress(host, port));
    }

    /** A proxy in front of a test's Redis. */
    public static TcpProxy to(RedisProcess redis) throws IOException {
        return to("127.0.0.1", redis.port);
    }

    public int port() {
        return port;
    }

    /** The Redis URI of the server behind, through this proxy. */
    public String redisUri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Holds every byte in both directions, keeping the connections open, until {@link #heal()}. */
    public synchronized void blackhole() {
        flowing = false;
    }

    /** Resets every connection (RST, not FIN), and each new one as it comes, until {@link #heal()}. */
    public synchronized void cut() {
        cut = true;
        resetAll();
    }

    /** Lets bytes flow again, and connections through again. */
    public synchronized void heal() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        flowing = true;
        cut = false;
        notifyAll();
    }

    /** Closes the port and every connection, and waits for the threads to end. */
    @Override
    public void close() throws IOException, InterruptedException {
        List<Thread> started;
        synchronized (this) {
            closed = true;
            notifyAll();
            if (listener != null) {
                listener.close();
                listener = null;
            }
            resetAll();
            started = List.copyOf(threads);
        }
        for (Thread thread : started) {
            thread.join(5000);
        }
    }

    private ServerSocket listen(int onPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true); // the port's old connections may linger in TIME_WAIT
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
        return socket;
    }

    private void accepting(ServerSocket on) {
        start("tcp-proxy-accept-" + port, () -> {
            while (true) {
                Socket downstream;
                try {
                    downstream = on.accept();
                } catch (IOException closedOrCut) {
                    return;
                }
                connect(downstream);
            }
        });
    }

    private void connect(Socket downstream) {
        synchronized (this) {
            if (cut || closed) {
                reset(downstream);
                return;
            }
        }
        Socket upstream = new Socket();
        try {
            sockets.add(downstream);
            sockets.add(upstream);
            upstream.connect(target, 5000);
        } catch (IOException e) {
            reset(downstream);
            reset(upstream);
            return;
        }
        synchronized (this) {
            if (cut || closed) { // cut meanwhile
                reset(downstream);
                reset(upstream);
                return;
            }
        }
        String name = "tcp-proxy-" + port + "-" + downstream.getPort();
        start(name + "-up", () -> pump(downstream, upstream));
        start(name + "-down", () -> pump(upstream, downstream));
    }

    /** Copies one direction, holding what it read while the proxy is a black hole. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (!awaitFlowing()) {
                    break;
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // reset, cut or closed: the other pump ends too, below
        }
        reset(from);
        reset(to);
    }

    /** Waits while the proxy is a black hole; false once it is closed. */
    private synchronized boolean awaitFlowing() throws InterruptedException {
        while (!flowing && !closed) {
            wait();
        }
        return !closed;
    }

    private void resetAll() {
        sockets.forEach(TcpProxy::reset);
    }

    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed() && socket.isConnected()) {
                socket.setSoLinger(true, 0); // closing sends RST: the peer sees a reset, not an orderly end
            }
        } catch (SocketException alreadyGone) {
            // closing is all that is left to do
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed is closed
        }
    }

    private synchronized void start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }
}
