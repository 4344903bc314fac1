package io.baran.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns a host name into its addresses; tests give one they control, so no test depends on real DNS. */
@FunctionalInterface
public interface Resolver {

    /** The JDK's resolver (system DNS and hosts file). */
    Resolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
