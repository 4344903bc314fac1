package io.baran.worker.replication;

import io.baran.worker.provider.store.FileBlobStore;
import io.baran.worker.provider.store.S3BlobStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * One replication pass in a process of its own, from a file-system bucket to an S3 bucket, so a test can kill
 * it mid-copy: {@code ReplicatorMain <files root> <bucket> <s3 endpoint> <s3 bucket> <ledger dir> <part bytes>}.
 */
public final class ReplicatorMain {

    private ReplicatorMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String bucket = args[1];
        URI endpoint = URI.create(args[2]);
        String s3Bucket = args[3];
        Path ledger = Path.of(args[4]);
        int part = Integer.parseInt(args[5]);
        try (S3Client client = S3BlobStore.client("us-east-1", Optional.of(endpoint));
             Copier copier = new Copier(2, part, 3)) {
            Replicator r = new Replicator("crash", Mode.MIRROR, "", Location.parse("onprem:file://" + bucket),
                    new FileBlobStore("onprem", root, bucket), Location.parse("aws:s3://" + s3Bucket),
                    new S3BlobStore("aws", s3Bucket, client), Ledger.open(ledger), copier, Clock.systemUTC());
            System.out.println(r.pass().describe());
        }
    }
}
