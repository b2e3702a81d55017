// Topic names and the directory names they take: Kafka's naming rules, the dir of a topic whose name
// would collide with broker files ('meta', 'meta.properties' get a '~topic' suffix; '~' is illegal in
// topic names), the name a deleted topic's dir is renamed to, and the metrics-name collision rule.

export const TOPIC_NAME_LENGTH_MAX = 249;
const RESERVED_DIR_NAMES = new Set(['meta', 'meta.properties']);
export const DELETED_SUFFIX = '~deleted';
/** Linux NAME_MAX: a deleted dir's name must fit, whatever the topic name. */
const FILE_NAME_BYTES_MAX = 255;

/** The name a topic dir is renamed to on deletion: a prefix of it, the topic id, '~deleted' (ASCII: bytes = chars). */
export function deletedDirName(dirName: string, id: string): string {
  const tail = `~${id}${DELETED_SUFFIX}`;
  return dirName.slice(0, FILE_NAME_BYTES_MAX - tail.length) + tail;
}

/** Names that differ only in '.' versus '_' collide in metrics (Kafka refuses the second). */
export function topicMetricName(name: string): string {
  return name.replace(/\./g, '_');
}

/** The directory a topic lives in under the data dir. */
export function topicDirName(name: string): string {
  return RESERVED_DIR_NAMES.has(name) ? `${name}~topic` : name;
}

/** Kafka's rules: 1..249 chars of [a-zA-Z0-9._-], not '.' or '..'. Returns the problem or undefined. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Topic name is empty';
  if (name === '.' || name === '..') return `Topic name cannot be '${name}'`;
  if (name.length > TOPIC_NAME_LENGTH_MAX) return `Topic name is longer than ${TOPIC_NAME_LENGTH_MAX} characters`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `Topic name '${name}' has characters other than ASCII alphanumerics, '.', '_' and '-'`;
  return undefined;
}
