package io.baran.worker.provider.selfmanaged;

import io.baran.worker.Failures;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;

/**
 * The one place where what a name server answers to a query or an RFC 2136 update becomes Baran's
 * failure types.
 */
final class Rfc2136Failures {

    private Rfc2136Failures() {}

    /** The server could not be reached, or did not answer in time: worth retrying. */
    static ApplicationFailure unreachable(IOException e, String where) {
        return Failures.of(
                FailureTypes.PROVIDER_UNAVAILABLE,
                where + " could not reach the server: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    /**
     * A response whose rcode is not NOERROR.
     *
     * @param update true for an UPDATE, whose prerequisite failures mean the record changed since the plan
     */
    static ApplicationFailure answered(Message response, String where, String keyName, boolean update) {
        int rcode = response.getRcode();
        String code = Rcode.string(rcode) + tsigError(response);
        return switch (rcode) {
            case Rcode.SERVFAIL ->
                Failures.of(FailureTypes.PROVIDER_UNAVAILABLE, where + " failed on the server (" + code + ")");
            case Rcode.NXRRSET, Rcode.YXRRSET, Rcode.YXDOMAIN ->
                Failures.of(
                        update ? FailureTypes.PLAN_UNSAFE : FailureTypes.PROVIDER_REJECTED,
                        where + " was refused because the record set is no longer as planned (" + code
                                + "): it was changed by someone else since");
            case Rcode.NOTAUTH ->
                Failures.of(
                        FailureTypes.PROVIDER_REJECTED,
                        where + " was refused (" + code
                                + "): the server is not authoritative for the zone, or did not accept the TSIG key "
                                + keyName
                                + " (check tsig-key-name, tsig-algorithm and the secret)");
            case Rcode.REFUSED ->
                Failures.of(
                        FailureTypes.PROVIDER_REJECTED,
                        where + " was refused (" + code + "): the server does not serve the zone, or does not let key "
                                + keyName + " " + (update ? "update" : "query") + " it");
            default -> Failures.of(FailureTypes.PROVIDER_REJECTED, where + " was rejected (" + code + ")");
        };
    }

    private static String tsigError(Message response) {
        TSIGRecord tsig = response.getTSIG();
        return tsig == null || tsig.getError() == Rcode.NOERROR ? "" : ", TSIG " + Rcode.TSIGstring(tsig.getError());
    }
}
