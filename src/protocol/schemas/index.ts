// Every API we define, in one list. scripts/generate.ts and the tests walk it.
import type { ApiSchema } from './types.js';
import { ApiVersionsRequest, ApiVersionsResponse } from './api-versions.js';
import { MetadataRequest, MetadataResponse } from './metadata.js';
import { CreateTopicsRequest, CreateTopicsResponse } from './create-topics.js';
import { DeleteTopicsRequest, DeleteTopicsResponse } from './delete-topics.js';
import { CreatePartitionsRequest, CreatePartitionsResponse } from './create-partitions.js';
import { ProduceRequest, ProduceResponse } from './produce.js';
import { FetchRequest, FetchResponse } from './fetch.js';
import { ListOffsetsRequest, ListOffsetsResponse } from './list-offsets.js';
import { DescribeConfigsRequest, DescribeConfigsResponse } from './describe-configs.js';
import { DescribeClusterRequest, DescribeClusterResponse } from './describe-cluster.js';
import { InitProducerIdRequest, InitProducerIdResponse } from './init-producer-id.js';
import { FindCoordinatorRequest, FindCoordinatorResponse } from './find-coordinator.js';
import { JoinGroupRequest, JoinGroupResponse } from './join-group.js';
import { SyncGroupRequest, SyncGroupResponse } from './sync-group.js';
import { HeartbeatRequest, HeartbeatResponse } from './heartbeat.js';
import { LeaveGroupRequest, LeaveGroupResponse } from './leave-group.js';
import { OffsetCommitRequest, OffsetCommitResponse } from './offset-commit.js';
import { OffsetFetchRequest, OffsetFetchResponse } from './offset-fetch.js';
import { ListGroupsRequest, ListGroupsResponse } from './list-groups.js';
import { DescribeGroupsRequest, DescribeGroupsResponse } from './describe-groups.js';
import { DeleteGroupsRequest, DeleteGroupsResponse } from './delete-groups.js';
import { OffsetDeleteRequest, OffsetDeleteResponse } from './offset-delete.js';
import { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from './consumer-group-heartbeat.js';
import { DeleteRecordsRequest, DeleteRecordsResponse } from './delete-records.js';
import { AlterConfigsRequest, AlterConfigsResponse } from './alter-configs.js';
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './incremental-alter-configs.js';
import {
  AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, DescribeProducersRequest,
  DescribeProducersResponse, DescribeTransactionsRequest, DescribeTransactionsResponse, EndTxnRequest, EndTxnResponse, ListTransactionsRequest, ListTransactionsResponse, TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from './txn.js';
import { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from './consumer-group-describe.js';
import { SaslHandshakeRequest, SaslHandshakeResponse } from './sasl-handshake.js';
import { SaslAuthenticateRequest, SaslAuthenticateResponse } from './sasl-authenticate.js';
import { DescribeAclsRequest, DescribeAclsResponse, CreateAclsRequest, CreateAclsResponse, DeleteAclsRequest, DeleteAclsResponse } from './acls.js';
import { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse, AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from './scram-credentials.js';

import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from './offset-for-leader-epoch.js';
import { DescribeLogDirsRequest, DescribeLogDirsResponse } from './describe-log-dirs.js';
import { ElectLeadersRequest, ElectLeadersResponse } from './elect-leaders.js';
import {
  AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse, ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse,
} from './partition-reassignments.js';
import { AlterClientQuotasRequest, AlterClientQuotasResponse, DescribeClientQuotasRequest, DescribeClientQuotasResponse } from './client-quotas.js';
import { DescribeQuorumRequest, DescribeQuorumResponse } from './describe-quorum.js';
import { UpdateFeaturesRequest, UpdateFeaturesResponse } from './update-features.js';
import { GetTelemetrySubscriptionsRequest, GetTelemetrySubscriptionsResponse } from './get-telemetry-subscriptions.js';
import { DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse } from './describe-topic-partitions.js';
function api(name: string, fileName: string, request: ApiSchema['request'], response: ApiSchema['response']): ApiSchema {
  if (request.apiKey !== response.apiKey) throw new Error(`${name}: request and response api keys differ`);
  return { apiKey: request.apiKey, name, fileName, request, response };
}

export const apis: readonly ApiSchema[] = [
  api('ApiVersions', 'api-versions', ApiVersionsRequest, ApiVersionsResponse),
  api('Metadata', 'metadata', MetadataRequest, MetadataResponse),
  api('CreateTopics', 'create-topics', CreateTopicsRequest, CreateTopicsResponse),
  api('DeleteTopics', 'delete-topics', DeleteTopicsRequest, DeleteTopicsResponse),
  api('CreatePartitions', 'create-partitions', CreatePartitionsRequest, CreatePartitionsResponse),
  api('Produce', 'produce', ProduceRequest, ProduceResponse),
  api('Fetch', 'fetch', FetchRequest, FetchResponse),
  api('ListOffsets', 'list-offsets', ListOffsetsRequest, ListOffsetsResponse),
  api('DescribeConfigs', 'describe-configs', DescribeConfigsRequest, DescribeConfigsResponse),
  api('DeleteRecords', 'delete-records', DeleteRecordsRequest, DeleteRecordsResponse),
  api('AlterConfigs', 'alter-configs', AlterConfigsRequest, AlterConfigsResponse),
  api('IncrementalAlterConfigs', 'incremental-alter-configs', IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse),
  api('DescribeCluster', 'describe-cluster', DescribeClusterRequest, DescribeClusterResponse),
  api('InitProducerId', 'init-producer-id', InitProducerIdRequest, InitProducerIdResponse),
  api('FindCoordinator', 'find-coordinator', FindCoordinatorRequest, FindCoordinatorResponse),
  api('JoinGroup', 'join-group', JoinGroupRequest, JoinGroupResponse),
  api('SyncGroup', 'sync-group', SyncGroupRequest, SyncGroupResponse),
  api('Heartbeat', 'heartbeat', HeartbeatRequest, HeartbeatResponse),
  api('LeaveGroup', 'leave-group', LeaveGroupRequest, LeaveGroupResponse),
  api('OffsetCommit', 'offset-commit', OffsetCommitRequest, OffsetCommitResponse),
  api('OffsetFetch', 'offset-fetch', OffsetFetchRequest, OffsetFetchResponse),
  api('ListGroups', 'list-groups', ListGroupsRequest, ListGroupsResponse),
  api('DescribeGroups', 'describe-groups', DescribeGroupsRequest, DescribeGroupsResponse),
  api('DeleteGroups', 'delete-groups', DeleteGroupsRequest, DeleteGroupsResponse),
  api('OffsetDelete', 'offset-delete', OffsetDeleteRequest, OffsetDeleteResponse),
  api('ConsumerGroupHeartbeat', 'consumer-group-heartbeat', ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse),
  api('ConsumerGroupDescribe', 'consumer-group-describe', ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse),
  // Admin and tool APIs answered as a single Kafka node (issue 13).
  api('OffsetForLeaderEpoch', 'offset-for-leader-epoch', OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse),
  api('DescribeLogDirs', 'describe-log-dirs', DescribeLogDirsRequest, DescribeLogDirsResponse),
  api('ElectLeaders', 'elect-leaders', ElectLeadersRequest, ElectLeadersResponse),
  api('AlterPartitionReassignments', 'alter-partition-reassignments', AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse),
  api('ListPartitionReassignments', 'list-partition-reassignments', ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse),
  api('DescribeClientQuotas', 'describe-client-quotas', DescribeClientQuotasRequest, DescribeClientQuotasResponse),
  api('AlterClientQuotas', 'alter-client-quotas', AlterClientQuotasRequest, AlterClientQuotasResponse),
  api('DescribeQuorum', 'describe-quorum', DescribeQuorumRequest, DescribeQuorumResponse),
  api('UpdateFeatures', 'update-features', UpdateFeaturesRequest, UpdateFeaturesResponse),
  api('GetTelemetrySubscriptions', 'get-telemetry-subscriptions', GetTelemetrySubscriptionsRequest, GetTelemetrySubscriptionsResponse),
  api('DescribeTopicPartitions', 'describe-topic-partitions', DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse),
  // Transactions (src/txn).
  api('AddPartitionsToTxn', 'add-partitions-to-txn', AddPartitionsToTxnRequest, AddPartitionsToTxnResponse),
  api('AddOffsetsToTxn', 'add-offsets-to-txn', AddOffsetsToTxnRequest, AddOffsetsToTxnResponse),
  api('EndTxn', 'end-txn', EndTxnRequest, EndTxnResponse),
  api('TxnOffsetCommit', 'txn-offset-commit', TxnOffsetCommitRequest, TxnOffsetCommitResponse),
  api('DescribeProducers', 'describe-producers', DescribeProducersRequest, DescribeProducersResponse),
  api('DescribeTransactions', 'describe-transactions', DescribeTransactionsRequest, DescribeTransactionsResponse),
  api('ListTransactions', 'list-transactions', ListTransactionsRequest, ListTransactionsResponse),
  // Security (src/security): SASL, ACLs, SCRAM credentials.
  api('SaslHandshake', 'sasl-handshake', SaslHandshakeRequest, SaslHandshakeResponse),
  api('SaslAuthenticate', 'sasl-authenticate', SaslAuthenticateRequest, SaslAuthenticateResponse),
  api('DescribeAcls', 'describe-acls', DescribeAclsRequest, DescribeAclsResponse),
  api('CreateAcls', 'create-acls', CreateAclsRequest, CreateAclsResponse),
  api('DeleteAcls', 'delete-acls', DeleteAclsRequest, DeleteAclsResponse),
  api('DescribeUserScramCredentials', 'describe-user-scram-credentials', DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse),
  api('AlterUserScramCredentials', 'alter-user-scram-credentials', AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse),
];
