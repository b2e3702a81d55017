/**
 * Differences between minikafka's and Apache Kafka's answers that the comparison lets pass, each
 * with its reason and its entry in FINDINGS.md: intended ones, and recorded ones that belong to
 * another part of the work. A difference not matched here fails same-requests.test.ts.
 */
export interface Intended {
  scenario: RegExp;
  path: RegExp;
  reason: string;
}

/** APIs minikafka advertises that Kafka (as the comparison runs it) does not, each with its reason. */
export const intendedExtraApis: ReadonlyMap<number, string> = new Map([
  [71, 'F12: Kafka advertises GetTelemetrySubscriptions only with a client-telemetry metrics reporter configured; minikafka serves it as Kafka would with no subscription (no metrics to push), so clients such as the Java Admin get a client instance id'],
]);

export const intended: Intended[] = [
  {
    scenario: /^(CreateTopics|DescribeConfigs)/,
    path: /\.configs\[name=[^\]]+\]/,
    reason: 'F9: the topic config catalogue (Kafka lists every topic config it knows, minikafka those it implements; types and sources of a few) belongs to the DescribeConfigs work',
  },
  {
    scenario: /^DescribeConfigs/,
    path: /^\.results\[resourceName=compat-a\]\.errorMessage$/,
    reason: 'F10: DescribeConfigs success errorMessage "" (Kafka) vs null, belongs to the DescribeConfigs work',
  },
  {
    scenario: /^CreateTopics: validateOnly/,
    path: /\.topicId$/,
    reason: 'F8: Kafka answers a validate-only CreateTopics with a fresh topic id it never creates; minikafka with the zero id (no topic, no id): intended',
  },
  {
    scenario: /^Produce: to a partition that does not exist and to an unknown topic/,
    path: /^\.responses\[name=compat-missing\]/,
    reason: 'F7: with auto.create.topics.enable (default true on both) minikafka creates a topic on a Produce to it, Kafka only on Metadata; belongs to the produce work',
  },
  {
    scenario: /^CreatePartitions: an unknown topic/,
    path: /\.errorMessage$/,
    reason: 'F11: minikafka explains UNKNOWN_TOPIC_OR_PARTITION in errorMessage, Kafka leaves it null: intended (more help, same code)',
  },
];
