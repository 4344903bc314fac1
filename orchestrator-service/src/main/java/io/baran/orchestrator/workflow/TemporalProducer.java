package io.baran.orchestrator.workflow;

import io.baran.orchestrator.config.TemporalConfig;
import io.baran.workflow.TemporalClients;
import io.baran.workflow.temporal.AesGcmPayloadCodec;
import io.baran.workflow.temporal.PayloadEncryption;
import io.baran.workflow.temporal.TemporalConnection;
import io.quarkus.runtime.StartupEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The Temporal connection of this service, built by {@link TemporalClients} from {@code baran.temporal}: TLS, API
 * key, and a data converter that encrypts every payload ({@link AesGcmPayloadCodec}).
 */
@ApplicationScoped
public class TemporalProducer {

    private static final Logger LOG = Logger.getLogger(TemporalProducer.class);

    @Produces
    @Singleton
    TemporalConnection connection(TemporalConfig temporal) {
        return TemporalConnection.of(temporal);
    }

    /** Refuses to start without a key unless {@code baran.temporal.codec.required=false}. */
    @Produces
    @Singleton
    PayloadEncryption encryption(TemporalConfig temporal) {
        PayloadEncryption encryption = new PayloadEncryption(AesGcmPayloadCodec.from(temporal.codec()));
        if (encryption.codec().isEmpty()) {
            LOG.warn(
                    "Temporal payloads are NOT encrypted (baran.temporal.codec.required=false and no key): histories hold "
                            + "runbooks, record names and observed state in plain text");
        }
        return encryption;
    }

    @Produces
    @Singleton
    WorkflowServiceStubs stubs(TemporalConnection connection) {
        return TemporalClients.stubs(connection);
    }

    @Produces
    @Singleton
    WorkflowClient client(WorkflowServiceStubs stubs, TemporalConfig temporal, PayloadEncryption encryption) {
        return TemporalClients.client(stubs, temporal.namespace(), encryption.codec());
    }

    /** Schedules (runbooks' drill schedules) with the same namespace and encrypting data converter as the client. */
    @Produces
    @Singleton
    ScheduleClient schedules(WorkflowServiceStubs stubs, WorkflowClient client) {
        return ScheduleClient.newInstance(
                stubs,
                ScheduleClientOptions.newBuilder()
                        .setNamespace(client.getOptions().getNamespace())
                        .setDataConverter(client.getOptions().getDataConverter())
                        .setIdentity(client.getOptions().getIdentity())
                        .build());
    }

    /** The connection settings and the codec are checked when the service starts, not at its first call. */
    void check(@Observes StartupEvent event, TemporalConnection connection, PayloadEncryption encryption) {
        LOG.infof(
                "Temporal %s; payloads %s",
                connection.describe(),
                encryption
                        .codec()
                        .map(c -> "encrypted with key " + c.activeKeyId())
                        .orElse("in plain text"));
    }

    void close(@Disposes WorkflowServiceStubs stubs) {
        stubs.shutdown();
    }
}
