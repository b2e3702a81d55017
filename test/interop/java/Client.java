// The Java client (org.apache.kafka:kafka-clients 4.4.0) against minikafka: the modes of
// test/interop/modern-clients/scenario.ts (create, produce, read, member), JSON lines on stdout.
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.*;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class Client {
  static byte[] valueBytes(int i) {
    byte[] out = new byte[(i % 40) + 1];
    for (int j = 0; j < out.length; j++) out[j] = (byte) ((i * 31 + j * 7) & 0xff);
    return out;
  }

  static String hex(byte[] b) {
    if (b == null) return null;
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02x", x & 0xff));
    return s.toString();
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0], bootstrap = args[1], topic = args[2];
    switch (mode) {
      case "create" -> create(bootstrap, topic, Integer.parseInt(args[3]));
      case "produce" -> produce(bootstrap, topic, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "read" -> read(bootstrap, topic, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      case "member" -> member(bootstrap, topic, args[3], args.length > 4 ? args[4] : "classic");
      default -> throw new IllegalArgumentException(mode);
    }
  }

  static void create(String bootstrap, String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      if (!admin.listTopics().names().get().contains(topic)) throw new IllegalStateException("listTopics lacks " + topic);
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      Collection<Node> nodes = admin.describeCluster().nodes().get();
      StringJoiner ns = new StringJoiner(",");
      for (Node n : nodes) ns.add("{\"id\":" + n.id() + ",\"host\":" + quote(n.host()) + ",\"port\":" + n.port() + "}");
      System.out.println("{\"partitions\":" + d.partitions().size() + ",\"nodes\":[" + ns + "]}");
    }
  }

  static void produce(String bootstrap, String topic, int from, int count) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (Producer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = from; i < from + count; i++) {
        RecordHeaders h = new RecordHeaders();
        h.add("trace", new byte[] {0x00, (byte) 0xff, (byte) (i & 0xff)});
        h.add("empty", new byte[0]);
        h.add("trace", "second".getBytes(StandardCharsets.UTF_8));
        acks.add(producer.send(new ProducerRecord<>(topic, null, ("key-" + i).getBytes(StandardCharsets.UTF_8), valueBytes(i), h)));
      }
      for (int k = 0; k < acks.size(); k++) {
        RecordMetadata m = acks.get(k).get();
        System.out.println("{\"i\":" + (from + k) + ",\"partition\":" + m.partition() + ",\"offset\":" + m.offset() + "}");
      }
    }
  }

  static Properties consumerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return p;
  }

  static void read(String bootstrap, String topic, int partitions, int count) {
    try (Consumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int i = 0; i < partitions; i++) tps.add(new TopicPartition(topic, i));
      c.assign(tps);
      c.seekToBeginning(tps);
      int got = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (got < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          StringJoiner hs = new StringJoiner(",");
          for (Header h : r.headers()) hs.add("[" + quote(h.key()) + "," + quote(hex(h.value())) + "]");
          System.out.println("{\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + ",\"key\":" + quote(hex(r.key())) + ",\"value\":" + quote(hex(r.value())) + ",\"headers\":[" + hs + "]}");
          got++;
        }
      }
    }
  }

  static void member(String bootstrap, String topic, String group, String protocol) {
    Properties p = consumerProps(bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    if (protocol.equals("classic")) {
      p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
      p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    }
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    AtomicBoolean stop = new AtomicBoolean(false);
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.set(true);
      c.wakeup();
      try { main.join(10_000); } catch (InterruptedException e) { /* exiting */ }
    }));
    c.subscribe(List.of(topic));
    Set<Integer> printed = null;
    try {
      while (!stop.get()) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
        Set<Integer> now = new TreeSet<>();
        for (TopicPartition tp : c.assignment()) now.add(tp.partition());
        if (!now.equals(printed)) {
          System.out.println("{\"event\":\"assigned\",\"partitions\":" + now.toString().replace(" ", "") + "}");
          printed = now;
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          System.out.println("{\"event\":\"record\",\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + ",\"key\":" + quote(new String(r.key(), StandardCharsets.UTF_8)) + "}");
        }
        if (!records.isEmpty()) c.commitSync();
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // SIGTERM: leave the group below
    } finally {
      c.close();
      System.out.flush();
    }
  }
}
