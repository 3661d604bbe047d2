package dev.parley.cli;

import dev.parley.client.TextClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;

/** {@code echo} and {@code receipt}: every input line is sent and its reply printed. */
final class LineCommand {

    private final URI uri;

    LineCommand(URI uri) {
        this.uri = uri;
    }

    int run(BufferedReader in, PrintStream out) throws IOException {
        try (Conversation service = new Conversation(uri)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(service.request(line));
            }
        }
        return ParleyCli.OK;
    }

    /** Any of the text services: the reply is printed as the server sent it. */
    static final class Conversation extends TextClient {
        Conversation(URI uri) {
            super(uri);
        }
    }
}
