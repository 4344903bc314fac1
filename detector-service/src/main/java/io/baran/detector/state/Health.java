package io.baran.detector.state;

/** What the detector believes about a target or a scope. */
public enum Health {
    /** Not enough probes yet to say; every target and scope starts here and never returns to it. */
    UNKNOWN,
    UP,
    DOWN
}
