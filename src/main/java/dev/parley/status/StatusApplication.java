package dev.parley.status;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves Parley's HTTP API under {@code /api}. */
@ApplicationPath("api")
public class StatusApplication extends Application {
}
