// The Java client (kafka-clients 4.4.0) over a secured listener: Admin creates the topic, a producer
// writes one record, a consumer in a group reads it back.
// usage: java -cp <classpath> Secure BOOTSTRAP TOPIC key=value... (the client properties of the mode:
// security.protocol, sasl.*, ssl.*); prints one JSON line, {"value": ...} or {"error": <exception class>, "message": ...}.
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;

import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class Secure {
  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /** The deepest Kafka exception in the chain: Admin and producer wrap the cause in ExecutionException. */
  static Throwable kafkaCause(Throwable t) {
    Throwable found = t;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof KafkaException) found = c;
    }
    return found;
  }

  public static void main(String[] args) {
    String bootstrap = args[0], topic = args[1];
    Properties base = new Properties();
    base.put("bootstrap.servers", bootstrap);
    base.put("request.timeout.ms", "10000");
    base.put("default.api.timeout.ms", "20000");
    base.put("reconnect.backoff.max.ms", "1000");
    for (int i = 2; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      base.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    try {
      try (Admin admin = Admin.create(base)) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      }
      Properties pp = (Properties) base.clone();
      pp.put("acks", "all");
      pp.put("max.block.ms", "20000");
      try (Producer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(topic, "k", "java secured hello")).get();
      }
      Properties cp = (Properties) base.clone();
      cp.put("group.id", topic + "-g");
      cp.put("auto.offset.reset", "earliest");
      try (Consumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of(topic));
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            consumer.commitSync();
            System.out.println("{\"value\":" + quote(r.value()) + "}");
            return;
          }
        }
      }
      System.out.println("{\"error\":\"Timeout\",\"message\":\"no record within 30 s\"}");
    } catch (Exception e) {
      Throwable c = kafkaCause(e);
      String message = String.valueOf(c.getMessage());
      System.out.println("{\"error\":" + quote(c.getClass().getName()) + ",\"message\":" + quote(message.substring(0, Math.min(500, message.length()))) + "}");
    }
  }
}
