// Kafka's Java client (kafka-clients 4.x) exactly-once against the broker: a transactional producer
// (initTransactions, send, sendOffsetsToTransaction, commit, abort), read_committed and read_uncommitted
// consumers, the group's committed offsets, Admin.describeProducers with a transaction open, and fencing
// by a second producer with the same transactional.id (on send, on abort, on commit).
// usage: java -cp <classpath> Transactions.java BOOTSTRAP PREFIX; prints one JSON object of what it saw.
import java.time.Duration;
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.serialization.*;

public class Transactions {
  static final StringBuilder out = new StringBuilder("{");

  static void put(String key, Object value) {
    if (out.length() > 1) out.append(',');
    out.append('"').append(key).append("\":").append(json(value));
  }

  static String json(Object v) {
    if (v == null) return "null";
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    if (v instanceof Collection<?> c) {
      StringJoiner j = new StringJoiner(",", "[", "]");
      for (Object o : c) j.add(json(o));
      return j.toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringJoiner j = new StringJoiner(",", "{", "}");
      for (Map.Entry<?, ?> e : m.entrySet()) j.add(json(String.valueOf(e.getKey())) + ":" + json(e.getValue()));
      return j.toString();
    }
    return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The exception's class, or its cause's when it wraps one (ExecutionException, KafkaException). */
  static String errorOf(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.ExecutionException || c.getClass() == KafkaException.class) && c.getCause() != null) c = c.getCause();
    return c.getClass().getSimpleName();
  }

  interface Step { void run() throws Exception; }

  /** "ok", or the class of what the step threw. */
  static String attempt(Step step) {
    try {
      step.run();
      return "ok";
    } catch (Exception e) {
      return errorOf(e);
    }
  }

  static KafkaProducer<String, String> producer(String bootstrap, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  static List<String> readAll(String bootstrap, String topic, String isolation, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long deadline = System.currentTimeMillis() + 15_000;
      long quietUntil = Long.MAX_VALUE;
      // The expected count, then a little longer: nothing more (aborted data) may arrive.
      while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) values.add(r.value());
        if (values.size() >= expected && quietUntil == Long.MAX_VALUE) quietUntil = System.currentTimeMillis() + 500;
      }
    }
    return values;
  }

  @SuppressWarnings("removal") // ConsumerGroupMetadata(String): the group id alone, as for a group without generation
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], prefix = args[1];
    String in = prefix + "-in", outTopic = prefix + "-out", group = prefix + "-group", txId = prefix + "-tx";
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    ap.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    try (Admin admin = Admin.create(ap)) {
      admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(outTopic, 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
      TopicPartition inTp = new TopicPartition(in, 0), outTp = new TopicPartition(outTopic, 0);
      ConsumerGroupMetadata meta = new ConsumerGroupMetadata(group);

      KafkaProducer<String, String> p1 = producer(bootstrap, txId);
      p1.initTransactions();
      p1.beginTransaction();
      for (String v : List.of("c1", "c2", "c3")) p1.send(new ProducerRecord<>(outTopic, 0, v, v));
      p1.sendOffsetsToTransaction(Map.of(inTp, new OffsetAndMetadata(3)), meta);
      p1.commitTransaction();

      p1.beginTransaction();
      for (String v : List.of("a1", "a2")) p1.send(new ProducerRecord<>(outTopic, 0, v, v)).get();
      p1.sendOffsetsToTransaction(Map.of(inTp, new OffsetAndMetadata(99)), meta);
      // The open transaction as DescribeProducers shows it: c1-c3 at 0-2, the commit marker at 3, a1 from 4.
      var open = admin.describeProducers(List.of(outTp)).partitionResult(outTp).get();
      List<Object> producers = new ArrayList<>();
      for (ProducerState s : open.activeProducers()) {
        producers.add(Map.of("epoch", s.producerEpoch(), "lastSequence", s.lastSequence(), "txnStartOffset", s.currentTransactionStartOffset().orElse(-1L)));
      }
      put("describeProducersOpen", producers);
      p1.abortTransaction();

      p1.beginTransaction();
      p1.send(new ProducerRecord<>(outTopic, 0, "c4", "c4"));
      p1.commitTransaction();
      put("afterCommit", admin.describeProducers(List.of(outTp)).partitionResult(outTp).get().activeProducers().get(0).currentTransactionStartOffset().orElse(-1L));

      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      put("committedOffset", committed.get(inTp) == null ? -1 : committed.get(inTp).offset());

      // Fencing, as Kafka's own TransactionsTest (testFencingOnSend, testFencingOnCommit): a second producer with
      // the same transactional.id aborts the first's open transaction; the first's next send fails with
      // InvalidProducerEpochException, its abort and commit with ProducerFencedException.
      p1.beginTransaction();
      p1.send(new ProducerRecord<>(outTopic, 0, "f1", "f1")).get();
      KafkaProducer<String, String> p2 = producer(bootstrap, txId);
      p2.initTransactions();
      put("fencedSend", attempt(() -> p1.send(new ProducerRecord<>(outTopic, 0, "f2", "f2")).get()));
      put("fencedAbort", attempt(p1::abortTransaction));
      p1.close(Duration.ofSeconds(5));
      p2.beginTransaction();
      p2.send(new ProducerRecord<>(outTopic, 0, "g1", "g1")).get();
      KafkaProducer<String, String> p3 = producer(bootstrap, txId);
      p3.initTransactions();
      put("fencedCommit", attempt(p2::commitTransaction));
      p2.close(Duration.ofSeconds(5));
      p3.beginTransaction();
      p3.send(new ProducerRecord<>(outTopic, 0, "p3", "p3"));
      p3.commitTransaction();
      p3.close(Duration.ofSeconds(5));

      put("readCommitted", readAll(bootstrap, outTopic, "read_committed", 5));
      put("readUncommitted", readAll(bootstrap, outTopic, "read_uncommitted", 9));
    }
    System.out.println(out.append('}'));
  }
}
