import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.time.*;
import java.util.*;

/** Prints every record of a topic (read_committed) with its broker timestamp, until killed or N seconds pass. */
public class WatchTopic {
    public static void main(String[] a) throws Exception {
        var c = new KafkaConsumer<String, String>(Map.of("bootstrap.servers", a[0], "isolation.level", "read_committed",
                "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> ps = new ArrayList<>();
        while (ps.isEmpty()) c.partitionsFor(a[1], Duration.ofSeconds(10)).forEach(p -> ps.add(new TopicPartition(p.topic(), p.partition())));
        c.assign(ps); c.seekToBeginning(ps);
        long end = System.currentTimeMillis() + Long.parseLong(a[2]) * 1000;
        while (System.currentTimeMillis() < end) {
            for (var r : c.poll(Duration.ofMillis(200))) {
                System.out.println(r.timestamp() + " " + r.key() + " " + r.value());
                System.out.flush();
            }
        }
    }
}
