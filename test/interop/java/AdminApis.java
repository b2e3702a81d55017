// Kafka's Java Admin client (kafka-clients 4.x) against the broker: the admin APIs issue 13 adds.
// usage: java -cp <classpath> AdminApis.java BOOTSTRAP TOPIC; prints one JSON object of what it saw.
import java.util.*;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.*;
import org.apache.kafka.common.*;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.quota.*;

public class AdminApis {
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

  static String errorOf(Throwable t) {
    Throwable c = t.getCause() != null ? t.getCause() : t;
    return c.getClass().getSimpleName();
  }

  public static void main(String[] args) throws Exception {
    String topic = args[1];
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    props.put(AdminClientConfig.ENABLE_METRICS_PUSH_CONFIG, "true");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
    try (Admin admin = Admin.create(props)) {
      NewTopic nt = new NewTopic(topic, 3, (short) 1).configs(Map.of("message.timestamp.difference.max.ms", "60000", "cleanup.policy", "compact,delete", "flush.ms", "1000"));
      admin.createTopics(List.of(nt)).all().get(20, TimeUnit.SECONDS);

      TopicDescription td = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      put("describeTopics", Map.of("partitions", td.partitions().size(), "leader", td.partitions().get(0).leader().id(), "isr", td.partitions().get(0).isr().size()));

      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(res), new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true)).all().get().get(res);
      Map<String, Object> configs = new TreeMap<>();
      for (ConfigEntry e : config.entries()) {
        List<String> syn = new ArrayList<>();
        for (ConfigEntry.ConfigSynonym s : e.synonyms()) syn.add(s.name() + "=" + s.value() + "@" + s.source());
        configs.put(e.name(), Map.of("value", String.valueOf(e.value()), "type", e.type().toString(), "source", e.source().toString(), "synonyms", syn, "documented", e.documentation() != null));
      }
      put("configs", configs);

      int node = td.partitions().get(0).leader().id();
      Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(List.of(node)).allDescriptions().get();
      Map<String, Object> logDirs = new TreeMap<>();
      for (Map.Entry<String, LogDirDescription> d : dirs.get(node).entrySet()) {
        logDirs.put("replicas", d.getValue().replicaInfos().keySet().stream().map(TopicPartition::toString).filter(s -> s.startsWith(topic)).sorted().toList());
        logDirs.put("totalBytesPresent", d.getValue().totalBytes().isPresent());
      }
      put("describeLogDirs", logDirs);

      try {
        admin.electLeaders(ElectionType.PREFERRED, Set.of(new TopicPartition(topic, 0))).partitions().get().forEach((tp, err) -> put("electLeaders", err.map(AdminApis::errorOf).orElse("none")));
      } catch (Exception e) {
        put("electLeaders", "threw " + errorOf(e));
      }

      admin.alterPartitionReassignments(Map.of(new TopicPartition(topic, 1), Optional.of(new NewPartitionReassignment(List.of(node))))).all().get();
      put("alterPartitionReassignments", "ok");
      try {
        admin.alterPartitionReassignments(Map.of(new TopicPartition(topic, 1), Optional.of(new NewPartitionReassignment(List.of(node + 1))))).all().get();
        put("reassignToOtherBroker", "ok");
      } catch (Exception e) {
        put("reassignToOtherBroker", errorOf(e));
      }
      put("listPartitionReassignments", admin.listPartitionReassignments().reassignments().get().size());

      ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "java-user"));
      admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 4096.0))))).all().get();
      Map<ClientQuotaEntity, Map<String, Double>> quotas = admin.describeClientQuotas(ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, "java-user")))).entities().get();
      put("clientQuotas", quotas.getOrDefault(entity, Map.of()));

      QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get();
      put("quorum", Map.of("leader", q.leaderId(), "voters", q.voters().size(), "observers", q.observers().size()));

      FeatureMetadata f = admin.describeFeatures().featureMetadata().get();
      Map<String, Object> finalized = new TreeMap<>();
      f.finalizedFeatures().forEach((name, r) -> finalized.put(name, (int) r.maxVersionLevel()));
      put("finalizedFeatures", finalized);
      try {
        admin.updateFeatures(Map.of("group.version", new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions()).all().get();
        put("updateFeaturesSame", "ok");
      } catch (Exception e) {
        put("updateFeaturesSame", errorOf(e));
      }
      try {
        admin.updateFeatures(Map.of("group.version", new FeatureUpdate((short) 0, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)), new UpdateFeaturesOptions()).all().get();
        put("updateFeaturesDowngrade", "ok");
      } catch (Exception e) {
        put("updateFeaturesDowngrade", errorOf(e));
      }
      try {
        put("clientInstanceId", admin.clientInstanceId(java.time.Duration.ofSeconds(10)).toString());
      } catch (Exception e) {
        put("clientInstanceId", "threw " + errorOf(e));
      }
    }
    System.out.println(out.append('}'));
  }
}
