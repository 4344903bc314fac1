package io.baran.worker.provider.gcp;

import io.baran.worker.provider.ControlPlane;

/** A Google Cloud API of one configured provider: what the DNS and CDN adapters share, their name and control plane. */
abstract class GcpService {

    protected final GcpApi api;
    private final ControlPlane controlPlane;

    GcpService(GcpApi api, ControlPlane controlPlane) {
        this.api = api;
        this.controlPlane = controlPlane;
    }

    public final String name() {
        return api.provider();
    }

    public final ControlPlane controlPlane() {
        return controlPlane;
    }
}
