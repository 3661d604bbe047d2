package dev.parley.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client on a bare socket, for what a well-behaved client library will not do: send broken
 * frames, send any Origin, or never read. The benchmark uses it too, for idle and stalled connections.
 */
public final class RawWebSocket implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int status;

    private RawWebSocket(Socket socket, DataInputStream in, int status) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.status = status;
    }

    /** Opens a connection and sends the upgrade request; {@link #status()} is the server's answer. */
    static RawWebSocket open(URI ws, String origin, int receiveBuffer) throws IOException {
        return open(ws, origin, receiveBuffer, null);
    }

    /**
     * As {@link #open(URI, String, int)}, from {@code localAddress} (null: any), so that many connections can
     * come from several loopback addresses, each with its own ephemeral ports.
     */
    public static RawWebSocket open(URI ws, String origin, int receiveBuffer, InetAddress localAddress)
            throws IOException {
        return open(ws, origin, receiveBuffer, localAddress, null);
    }

    /** A connection that asks for the chat's {@code parley.v2} subprotocol. */
    static RawWebSocket openV2(URI ws) throws IOException {
        return open(ws, null, 0, null, V2User.SUBPROTOCOL);
    }

    /** As {@link #openV2(URI)}, from {@code localAddress} (null: any). */
    public static RawWebSocket openV2(URI ws, InetAddress localAddress) throws IOException {
        return open(ws, null, 0, localAddress, V2User.SUBPROTOCOL);
    }

    static RawWebSocket open(URI ws, String origin, int receiveBuffer, InetAddress localAddress,
            String subprotocol) throws IOException {
        return open(ws, origin, receiveBuffer, localAddress, subprotocol, "");
    }

    /** A {@code parley.v2} connection whose handshake logs in with HTTP Basic as {@code user}. */
    static RawWebSocket openV2LoggedIn(URI ws, String user, String password) throws IOException {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return open(ws, null, 0, null, V2User.SUBPROTOCOL, "Authorization: Basic " + credentials + "\r\n");
    }

    private static RawWebSocket open(URI ws, String origin, int receiveBuffer, InetAddress localAddress,
            String subprotocol, String moreHeaders) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress(ws.getHost(), ws.getPort()), 10_000);
        socket.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n") + moreHeaders + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        // buffered: a frame is read in one system call rather than one a byte, which matters with thousands of sockets
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        String statusLine = readLine(in);
        for (String header = readLine(in); !header.isEmpty(); header = readLine(in)) {
            // the headers tell nothing these tests need
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        return new RawWebSocket(socket, in, status);
    }

    static RawWebSocket open(URI ws) throws IOException {
        return open(ws, null, 0);
    }

    /** How long a read waits for a frame before it fails (10 s unless set). */
    public void readTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    public int status() {
        return status;
    }

    /** Sends a frame as a client must: masked, FIN set, no RSV bits. */
    void send(int opcode, byte[] payload) throws IOException {
        frame(0x80 | opcode, true, payload);
    }

    public void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a close frame with {@code code}, as a client that says goodbye does. */
    void sendClose(int code) throws IOException {
        send(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
    }

    /** Sends a frame with the given first byte (FIN, RSV bits, opcode), masked or not. */
    void frame(int firstByte, boolean masked, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(maskBit | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >> shift));
            }
        }
        byte[] mask = new byte[4];
        if (masked) {
            RANDOM.nextBytes(mask);
            frame.write(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** A frame from the server: its opcode and payload. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or 1005 when it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    /** The next data or close frame; pings on the way are answered, as a live client does. */
    public Frame read() throws IOException {
        while (true) {
            Frame frame = readAny();
            if (frame.opcode() == PING) {
                send(PONG, frame.payload());
            } else if (frame.opcode() != PONG) {
                return frame;
            }
        }
    }

    /**
     * The data and close frames that have arrived, in order, answering pings among them, without waiting
     * for more: so that one thread can serve many connections, none of which it may block on.
     */
    List<Frame> readAvailable() throws IOException {
        List<Frame> frames = new ArrayList<>();
        while (in.available() > 0) {
            Frame frame = readAny();
            if (frame.opcode() == PING) {
                send(PONG, frame.payload());
            } else if (frame.opcode() != PONG) {
                frames.add(frame);
            }
        }
        return frames;
    }

    /**
     * Reads the next frame, which must be a ping, and answers it with a pong, as a live client does.
     * Fails if another frame comes first, or none within the read timeout.
     */
    Frame answerPing() throws IOException {
        Frame frame;
        try {
            frame = readAny();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no ping within " + socket.getSoTimeout() + " ms", e);
        }
        if (frame.opcode() != PING) {
            throw new AssertionError("a ping expected, opcode " + frame.opcode() + " came: " + frame.text());
        }
        send(PONG, frame.payload());
        return frame;
    }

    private Frame readAny() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    /**
     * Reads until the server's close frame and returns its code; -1 if the server dropped the
     * connection without one.
     */
    int awaitCloseCode() throws IOException {
        try {
            while (true) {
                Frame frame = read();
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
            }
        } catch (EOFException | SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return -1;
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Cuts the TCP connection as a dying network does: no close frame, and a reset rather than a FIN. */
    void cut() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
