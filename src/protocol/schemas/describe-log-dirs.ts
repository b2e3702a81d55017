// DescribeLogDirs (API key 35): our definition of the request and response layouts.
import { arrayOf, field, message, struct } from './types.js';

export const DescribeLogDirsRequest = message(35, 'DescribeLogDirsRequest', 'request', '0-4', '2+', [
  field('topics', arrayOf(struct('DescribableLogDirTopic', [
    field('topic', 'string', '0+'),
    field('partitions', arrayOf('int32'), '0+'),
  ])), '0+', { nullable: '0+' }),
]);

export const DescribeLogDirsResponse = message(35, 'DescribeLogDirsResponse', 'response', '0-4', '2+', [
  field('throttleTimeMs', 'int32', '0+'),
  field('errorCode', 'int16', '3+'),
  field('results', arrayOf(struct('DescribeLogDirsResult', [
    field('errorCode', 'int16', '0+'),
    field('logDir', 'string', '0+'),
    field('topics', arrayOf(struct('DescribeLogDirsTopic', [
      field('name', 'string', '0+'),
      field('partitions', arrayOf(struct('DescribeLogDirsPartition', [
        field('partitionIndex', 'int32', '0+'),
        field('partitionSize', 'int64', '0+'),
        field('offsetLag', 'int64', '0+'),
        field('isFutureKey', 'bool', '0+'),
      ])), '0+'),
    ])), '0+'),
    field('totalBytes', 'int64', '4+', { default: -1n }),
    field('usableBytes', 'int64', '4+', { default: -1n }),
  ])), '0+'),
]);
