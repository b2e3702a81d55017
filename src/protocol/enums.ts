/**
 * Kafka's wire enums that the message schemas only describe as int8/int16 fields: named once here
 * for the broker, the client and tests (the ACL enums are in acl.ts, ApiKey and ErrorCode in the
 * generated tables and errors.ts). Values as Kafka's Java enums number them.
 */

/** DescribeConfigs / AlterConfigs / IncrementalAlterConfigs resourceType (ConfigResource.Type). */
export const ConfigResourceType = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const;

/** DescribeConfigs configSource (DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = { UNKNOWN: 0, TOPIC: 1, DYNAMIC_BROKER: 2, DYNAMIC_DEFAULT_BROKER: 3, STATIC_BROKER: 4, DEFAULT: 5, DYNAMIC_BROKER_LOGGER: 6, CLIENT_METRICS: 7, GROUP: 8 } as const;

/** Fetch / ListOffsets isolationLevel (IsolationLevel). */
export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;

/** FindCoordinator keyType (FindCoordinatorRequest.CoordinatorType). */
export const CoordinatorType = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const;
