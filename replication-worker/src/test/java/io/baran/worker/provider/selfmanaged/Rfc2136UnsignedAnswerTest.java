package io.baran.worker.provider.selfmanaged;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baran.worker.provider.ControlPlane;
import io.baran.worker.provider.DnsZone;
import io.baran.worker.provider.RecordState;
import io.baran.worker.provider.RecordType;
import io.baran.workflow.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;

/**
 * A server on 127.0.0.1 answering "NOERROR" without a TSIG signature, as anyone on the path could: neither a read nor
 * an update's success is taken (BIND's signed answers: {@code Rfc2136DnsSwitchIT}).
 */
@Timeout(60)
class Rfc2136UnsignedAnswerTest {

    private static final String ZONE = "example.test.";

    private ServerSocket socket;
    private Thread server;
    private final AtomicInteger answered = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        server = new Thread(this::serve, "unsigned-dns");
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        socket.close();
    }

    /** Answers every query (and update) on every connection with an authoritative, unsigned NOERROR. */
    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connection.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(connection.getInputStream());
                DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                while (true) {
                    byte[] wire = new byte[in.readUnsignedShort()];
                    in.readFully(wire);
                    Message asked = new Message(wire);
                    Message answer = new Message(asked.getHeader().getID());
                    answer.getHeader().setFlag(Flags.QR);
                    answer.getHeader().setFlag(Flags.AA);
                    answer.getHeader().setOpcode(asked.getHeader().getOpcode());
                    if (asked.getQuestion() != null) {
                        answer.addRecord(asked.getQuestion(), Section.QUESTION);
                        if (asked.getHeader().getOpcode() == Opcode.QUERY) {
                            answer.addRecord(
                                    new CNAMERecord(
                                            asked.getQuestion().getName(),
                                            DClass.IN,
                                            300,
                                            Name.fromString("standby." + ZONE)),
                                    Section.ANSWER);
                        }
                    }
                    byte[] reply = answer.toWire();
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                    answered.incrementAndGet();
                }
            } catch (EOFException closed) {
                // the client closed the connection: take the next one
            } catch (IOException stopped) {
                return;
            }
        }
    }

    private Rfc2136Dns dns() {
        return new Rfc2136Dns(
                "onprem-dns",
                new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort()),
                new TSIG(TSIG.HMAC_SHA256, Name.fromConstantString("baran-key."), "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"),
                "baran-key.",
                Duration.ofSeconds(5),
                new ControlPlane("self-managed/127.0.0.1", "dns", "name server 127.0.0.1"));
    }

    @Test
    void anUnsignedReadIsNotTaken() {
        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> dns().observe(new DnsZone(ZONE, ZONE), "www." + ZONE, RecordType.CNAME));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType(), failure.getOriginalMessage());
        assertTrue(
                failure.getOriginalMessage().contains("got an answer without a TSIG signature with key baran-key."),
                failure.getOriginalMessage());
        assertTrue(answered.get() >= 1, "the server answered");
    }

    @Test
    void anUnsignedUpdateSuccessIsNotTaken() {
        ApplicationFailure failure = assertThrows(
                ApplicationFailure.class,
                () -> dns().replace(
                                new DnsZone(ZONE, ZONE),
                                "www." + ZONE,
                                RecordType.CNAME,
                                RecordState.present(List.of("primary." + ZONE), 300),
                                RecordState.present(List.of("standby." + ZONE), 60)));

        assertEquals(FailureTypes.PROVIDER_REJECTED, failure.getType(), failure.getOriginalMessage());
        assertTrue(failure.getOriginalMessage().contains("update of www." + ZONE), failure.getOriginalMessage());
        assertTrue(failure.getOriginalMessage().contains("without a TSIG signature"), failure.getOriginalMessage());
    }
}
