package dev.parley.cli;

import dev.parley.client.GreetClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;

/** {@code greet}: the tutorial's interactive client. */
final class GreetCommand {

    static final String PROMPT = "input text: ";
    static final String EXIT = "exit";

    private final URI uri;

    GreetCommand(URI uri) {
        this.uri = uri;
    }

    int run(BufferedReader in, PrintStream out) throws IOException {
        try (GreetClient greet = new GreetClient(uri)) {
            if (!greet.handshake()) {
                out.println("handshake failed");
                return ParleyCli.CONNECTION_FAILED;
            }
            out.println("handshake succeeded");
            while (true) {
                out.print(PROMPT);
                out.flush();
                String line = in.readLine();
                if (line == null || line.equals(EXIT)) {
                    greet.close(EXIT);
                    out.println(line == null ? "" : "exit, bye!");
                    return ParleyCli.OK;
                }
                out.println(greet.say(line));
            }
        }
    }
}
