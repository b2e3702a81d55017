/**
 * FindCoordinator (key 10), v0-6: this node coordinates every group (keyType 0) and every transactional
 * id (keyType 1), batched keys from v4.
 * Looking up a group's coordinator creates `__consumer_offsets` if it does not exist, as in Kafka
 * (clients and tests wait for it in Metadata after a FindCoordinator).
 * Not implemented: share groups (keyType 2) answer COORDINATOR_NOT_AVAILABLE.
 */
import { ApiKey, type FindCoordinatorRequest, type FindCoordinatorResponseInput } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { CoordinatorType } from '../../protocol/enums.js';
import { allowed } from '../authz.js';
import { defineHandler, type RequestContext } from '../handler.js';

export const findCoordinatorHandler = defineHandler(ApiKey.FindCoordinator, {
  minVersion: 0,
  maxVersion: 6,
  handle(req: FindCoordinatorRequest, ctx: RequestContext): FindCoordinatorResponseInput {
    const { nodeId } = ctx.broker;
    const { advertised } = ctx.session.listener;
    const answer = (key: string) => {
      if (req.keyType === CoordinatorType.GROUP && !allowed(ctx, 'DESCRIBE', 'GROUP', key)) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null };
      if (req.keyType === CoordinatorType.TRANSACTION && !allowed(ctx, 'DESCRIBE', 'TRANSACTIONAL_ID', key)) return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, errorMessage: null };
      if (req.keyType === CoordinatorType.GROUP) {
        try {
          ctx.broker.groups.ensureOffsetsTopic();
        } catch (err) {
          ctx.log.error({ err: String(err) }, 'could not create __consumer_offsets');
          return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'the offsets topic could not be created' };
        }
      }
      if (req.keyType !== 0 && req.keyType !== 1) {
        return { key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: `key type ${req.keyType} is not supported by this broker` };
      }
      // Kafka's success message: "NONE" in v1-3, "" per key from v4 (FINDINGS.md F6).
      return { key, nodeId, host: advertised.host, port: advertised.port, errorCode: ErrorCode.NONE, errorMessage: ctx.version >= 4 ? '' : 'NONE' };
    };
    if (ctx.version >= 4) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: -1, host: '', port: -1, coordinators: req.coordinatorKeys.map(answer) };
    const a = answer(req.key);
    return { throttleTimeMs: 0, errorCode: a.errorCode, errorMessage: a.errorMessage, nodeId: a.nodeId, host: a.host, port: a.port, coordinators: [] };
  },
});
