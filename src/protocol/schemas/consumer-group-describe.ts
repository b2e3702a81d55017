// ConsumerGroupDescribe (API key 69): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

const TopicPartitions = struct('TopicPartitions', [
  field('topicId', 'uuid', '0+'),
  field('topicName', 'string', '0+'),
  field('partitions', arrayOf('int32'), '0+'),
]);

const Assignment = struct('Assignment', [
  field('topicPartitions', arrayOf(TopicPartitions), '0+'),
]);

export const ConsumerGroupDescribeRequest = message(69, 'ConsumerGroupDescribeRequest', 'request', '0', '0+', [
  field('groupIds', arrayOf('string'), '0+'),
  field('includeAuthorizedOperations', 'bool', '0+'),
]);

export const ConsumerGroupDescribeResponse = message(69, 'ConsumerGroupDescribeResponse', 'response', '0', '0+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('groups', arrayOf(struct('DescribedGroup', [
    field('errorCode', 'int16', '0+'),
    field('errorMessage', 'string', '0+', { nullable: '0+', default: null }),
    field('groupId', 'string', '0+'),
    field('groupState', 'string', '0+'),
    field('groupEpoch', 'int32', '0+'),
    field('assignmentEpoch', 'int32', '0+'),
    field('assignorName', 'string', '0+'),
    field('members', arrayOf(struct('Member', [
      field('memberId', 'string', '0+'),
      field('instanceId', 'string', '0+', { nullable: '0+', default: null }),
      field('rackId', 'string', '0+', { nullable: '0+', default: null }),
      field('memberEpoch', 'int32', '0+'),
      field('clientId', 'string', '0+'),
      field('clientHost', 'string', '0+'),
      field('subscribedTopicNames', arrayOf('string'), '0+'),
      field('subscribedTopicRegex', 'string', '0+', { nullable: '0+', default: null }),
      field('assignment', Assignment, '0+'),
      field('targetAssignment', Assignment, '0+'),
    ])), '0+'),
    field('authorizedOperations', 'int32', '0+', { default: -2147483648 }),
  ])), '0+'),
]);
