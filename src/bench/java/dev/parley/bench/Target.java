package dev.parley.bench;

import java.net.URI;
import java.net.http.HttpClient;

/** The server being measured: its name in the results, its base URL ({@code ws://host:port/parley}), its process. */
record Target(String name, URI base, ServerProcess process, HttpClient client) {

    URI echo() {
        return URI.create(base + "/echo");
    }

    URI chat() {
        return URI.create(base + "/chat");
    }

    Result.Builder result(String scenario) {
        return Result.of(name, scenario);
    }
}
