package io.baran.worker.provider.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading S3 event messages as S3 (and moto) write them to SQS. */
class SqsEventFeedTest {

    private static String event(String name, String bucket, String key) {
        return "{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"eventName\":\"" + name
                + "\",\"s3\":{\"bucket\":{\"name\":\"" + bucket + "\"},\"object\":{\"key\":\"" + key
                + "\",\"size\":1}}}";
    }

    @Test
    void keysAreUrlDecodedAsS3EncodesThem() {
        String body = "{\"Records\":[" + event("ObjectCreated:Put", "shop", "a+b%2Fc%2Bd.txt") + ","
                + event("ObjectRemoved:Delete", "shop", "img/logo.svg") + "]}";

        assertEquals(List.of("a b/c+d.txt", "img/logo.svg"), SqsEventFeed.keys(body, "shop"));
    }

    @Test
    void otherBucketsTestEventsBaransOwnUploadsAndNonsenseNameNoKey() {
        assertEquals(
                List.of(),
                SqsEventFeed.keys("{\"Records\":[" + event("ObjectCreated:Put", "other", "x") + "]}", "shop"));
        assertEquals(
                List.of(),
                SqsEventFeed.keys(
                        "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"shop\"}", "shop"));
        assertEquals(
                List.of(),
                SqsEventFeed.keys(
                        "{\"Records\":["
                                + event("ObjectCreated:CompleteMultipartUpload", "shop", "dr%2F.baran-tmp%2F1234")
                                + "]}",
                        "shop"));
        assertEquals(
                List.of(),
                SqsEventFeed.keys("{\"Records\":[" + event("ObjectRestore:Completed", "shop", "x") + "]}", "shop"));
        assertEquals(List.of(), SqsEventFeed.keys("not json", "shop"));
    }
}
