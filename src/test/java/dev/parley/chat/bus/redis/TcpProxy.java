package dev.parley.chat.bus.redis;

import dev.parley.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on a free loopback port in front of a server, that a test can cut a client off with while
 * both ends keep running:
 * <ul>
 * <li>{@link #blackhole()}: nothing flows either way and the connections stay open, as behind a stopped
 * (SIGSTOP) proxy or a partitioned network. Bytes already sent wait, as they would in the socket buffers
 * or in TCP's retransmissions, and arrive on {@link #heal()}: a partition delays bytes, never loses
 * some from the middle of a stream.</li>
 * <li>{@link #cut()}: every connection is reset and new ones are refused, as when the proxy has died.</li>
 * <li>{@link #heal()}: bytes flow again, and connections are accepted again, on the same port.</li>
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
    private boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = listenBelowEphemeralPorts();
        this.port = listener.getLocalPort();
        accepting(listener);
    }

    /**
     * A port outside the range that outgoing connections take their source ports from: a port of that range,
     * freed by a cut, could be taken by one of them meanwhile, and heal() could not bind it again.
     */
    private ServerSocket listenBelowEphemeralPorts() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            try {
                return listen(FreePorts.candidate());
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port below " + FreePorts.ephemeralFrom());
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

    /** Resets every connection (RST, not FIN) and refuses new ones (the port is closed) until {@link #heal()}. */
    public synchronized void cut() throws IOException {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        resetAll();
    }

    /** Lets bytes flow again, and accepts again on the same port if it was cut. */
    public synchronized void heal() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        flowing = true;
        notifyAll();
        if (listener == null) {
            listener = listenAgain();
            accepting(listener);
        }
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

    /**
     * The port again, once the cut's listener has let it go: a listener closed while its thread is blocked in
     * accept() releases the port only once that thread has woken up, so a heal right after a cut can find the
     * port still bound (CI saw "Address already in use").
     */
    private ServerSocket listenAgain() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return listen(port);
            } catch (BindException stillBound) {
                if (System.nanoTime() > deadline) {
                    throw stillBound;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw stillBound;
                }
            }
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
            if (listener == null || closed) { // cut meanwhile
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
