// Flink's asynchronous operations: a trigger call answers a request id, and
// GET …/:triggerid answers IN_PROGRESS until the operation COMPLETED with a result or a failure cause.
import { get } from './api.js';

const POLL_INTERVAL_MS = 500;
const GIVE_UP_AFTER_MS = 10 * 60 * 1000;

/** Resolves with the completed operation's object; rejects with the failure cause's message (never its stack trace). */
export async function completion(statusPath) {
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  for (;;) {
    const reply = await get(statusPath);
    if (reply?.status?.id === 'COMPLETED') {
      const operation = reply.operation ?? {};
      const cause = operation['failure-cause'] ?? operation.failureCause;
      if (cause) throw new Error(cause.message || cause.class || 'The operation failed.');
      return operation;
    }
    if (Date.now() > deadline) throw new Error(`No outcome after ${GIVE_UP_AFTER_MS / 60000} minutes; check the job's checkpoints tab.`);
    await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
