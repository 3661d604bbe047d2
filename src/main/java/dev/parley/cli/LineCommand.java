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
        try (TextClient service = new TextClient(uri)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(service.request(line));
            }
        }
        return ParleyCli.OK;
    }
}
