package io.baran.egress;

/** A connection the egress policy refuses; {@link #refusal()} says to what and by which rule. */
public final class EgressRefusedException extends RuntimeException {

    private final transient Refusal refusal;

    public EgressRefusedException(Refusal refusal) {
        super(refusal.message());
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
