// A Kafka Streams application (kafka-streams 4.x) with processing.guarantee=exactly_once_v2 against the
// broker: IN → uppercased values → OUT, and a count per key kept in an in-memory store with a changelog
// topic (Streams creates it: the internal topics path) → COUNTS. Runs until stdin closes or it is killed.
// usage: java -cp <classpath> StreamsEos.java BOOTSTRAP APPLICATION_ID IN OUT COUNTS STATE_DIR
// prints "state RUNNING" (and every other state change) on stdout.
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

public class StreamsEos {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, args[5]);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), "10000");
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");

    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> in = builder.stream(args[2]);
    in.mapValues(v -> v.toUpperCase()).to(args[3]);
    in.groupByKey()
      .count(Materialized.<String, Long>as(Stores.inMemoryKeyValueStore("counts")).withValueSerde(Serdes.Long()))
      .toStream().mapValues(String::valueOf).to(args[4]);

    KafkaStreams streams = new KafkaStreams(builder.build(), p);
    streams.setStateListener((now, before) -> {
      System.out.println("state " + now);
      System.out.flush();
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(Duration.ofSeconds(10))));
    streams.start();
    while (System.in.read() >= 0) { /* until stdin closes */ }
    streams.close(Duration.ofSeconds(10));
  }
}
