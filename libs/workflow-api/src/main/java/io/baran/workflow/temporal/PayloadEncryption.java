package io.baran.workflow.temporal;

import java.util.Optional;

/** The payload codec a service runs with: present unless {@code baran.temporal.codec.required=false} and no key is set. */
public record PayloadEncryption(Optional<AesGcmPayloadCodec> codec) {

    /** The seals of people's decisions, keyed from the codec's keys; empty without a codec. */
    public Optional<DecisionSeals> decisionSeals() {
        return codec.map(DecisionSeals::of);
    }
}
