/**
 * OffsetDelete (key 47), v0: removes committed offsets of topics the group does not subscribe to (GROUP_SUBSCRIBED_TO_TOPIC otherwise).
 * ACLs: DELETE on the group, READ on each topic (else its partitions answer TOPIC_AUTHORIZATION_FAILED and keep their offsets).
 */
import { ApiKey, type OffsetDeleteRequest, type OffsetDeleteResponseInput } from '../../protocol/generated/index.js';
import { allowed } from '../authz.js';
import { ErrorCode } from '../../protocol/errors.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { code, splitReadableTopics } from './group-common.js';

export const offsetDeleteHandler = defineHandler(ApiKey.OffsetDelete, {
  minVersion: 0,
  maxVersion: 0,
  async handle(req: OffsetDeleteRequest, ctx: RequestContext): Promise<OffsetDeleteResponseInput> {
    if (!allowed(ctx, 'DELETE', 'GROUP', req.groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    const { readable, refused } = splitReadableTopics(ctx, req.topics);
    const r = await ctx.broker.groups.deleteOffsets(req.groupId, readable.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })));
    return {
      errorCode: code(r.error),
      throttleTimeMs: 0,
      topics: [...r.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: code(p.error) })) })), ...refused],
    };
  },
});
