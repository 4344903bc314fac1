package io.baran.worker.provider.azure;

import io.baran.worker.provider.ControlPlane;

/**
 * An Azure service reached through Resource Manager in the provider's resource group: what the DNS and CDN
 * adapters share, their name, control plane and how their failures say where they happened.
 */
abstract class ArmService {

    protected final Arm arm;
    protected final String resourceGroup;
    private final ControlPlane controlPlane;

    ArmService(Arm arm, String resourceGroup, ControlPlane controlPlane) {
        this.arm = arm;
        this.resourceGroup = resourceGroup;
        this.controlPlane = controlPlane;
    }

    public final String name() {
        return arm.provider();
    }

    public final ControlPlane controlPlane() {
        return controlPlane;
    }

    /** E.g. {@code provider azure-dr (Azure DNS): Get zone on zone example.com. in resource group dr}. */
    final String where(String operation, String resource) {
        return "provider " + name() + " (" + controlPlane.label() + "): " + operation + " on " + resource;
    }
}
