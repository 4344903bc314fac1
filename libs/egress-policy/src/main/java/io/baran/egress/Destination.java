package io.baran.egress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where to connect: the host as the caller named it (for the Host header, TLS server name and certificate check) and
 * the address the policy checked. Connect to {@link #address()} or {@link #socketAddress()}, never to the host again:
 * a second lookup may answer differently (DNS rebinding).
 */
public record Destination(String host, int port, InetAddress address) {

    /**
     * The checked address with the host name attached, so a client that verifies TLS host names against
     * {@link InetSocketAddress#getHostString()} verifies the name, while it connects to the address without a lookup.
     */
    public InetSocketAddress socketAddress() {
        try {
            return new InetSocketAddress(
                    InetAddress.getByAddress(Addresses.normalize(host), address.getAddress()), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.getAddress().length + " bytes", e);
        }
    }
}
