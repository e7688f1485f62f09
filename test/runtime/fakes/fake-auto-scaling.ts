import { IncomingMessage, ServerResponse } from 'node:http';
import { Fault, Faults } from './faults';
import { readBody } from './http';

/** One Auto Scaling API call: its Action, its other form parameters and its timing. */
export interface AutoScalingCall {
  readonly action: string;
  readonly params: Record<string, string>;
  /** When the request arrived (epoch ms). */
  readonly at: number;
  /** When a 200 answer was sent (epoch ms); undefined for a failed or unanswered call. */
  answeredAt?: number;
  /** The fault injected, if any. */
  readonly fault?: Fault;
}

/** Query-protocol error answers. */
const ERRORS: Record<'internal-error' | 'unavailable' | 'throttled', { status: number; type: string; code: string }> = {
  'internal-error': { status: 500, type: 'Receiver', code: 'InternalFailure' },
  unavailable: { status: 503, type: 'Receiver', code: 'ServiceUnavailable' },
  throttled: { status: 400, type: 'Sender', code: 'Throttling' },
};

/**
 * EC2 Auto Scaling over its query protocol (form-encoded POST, XML answer), recording every
 * call. CompleteLifecycleAction fails while no lifecycle action is pending for the instance:
 * the first `rejectCompletions` times, or always when `actionPending` is false. `faults`
 * makes calls fail, hang or lag.
 */
export class FakeAutoScaling {
  readonly calls: AutoScalingCall[] = [];
  readonly faults = new Faults();
  rejectCompletions = 0;
  actionPending = true;

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const { Action: action, ...rest } = params;
    const fault = this.faults.take(action);
    const call: AutoScalingCall = { action, params: rest, at: Date.now(), fault };
    this.calls.push(call);
    const error = (status: number, type: string, code: string, message: string): void => {
      if (res.destroyed) return;
      res.setHeader('content-type', 'text/xml');
      res.writeHead(status).end(`<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code>`
        + `<Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
    };
    if (fault === 'hang') return;
    if (typeof fault === 'object') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    else if (fault) {
      const { status, type, code } = ERRORS[fault];
      error(status, type, code, `injected ${fault}`);
      return;
    }
    if (action === 'CompleteLifecycleAction' && (this.rejectCompletions > 0 || !this.actionPending)) {
      this.rejectCompletions = Math.max(0, this.rejectCompletions - 1);
      error(400, 'Sender', 'ValidationError', `No active Lifecycle Action found with instance ID ${rest.InstanceId}`);
      return;
    }
    if (res.destroyed) return;
    res.setHeader('content-type', 'text/xml');
    call.answeredAt = Date.now();
    res.writeHead(200).end(`<${action}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">`
      + `<${action}Result/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`);
  }

  /** The calls of one action. */
  callsOf(action: string): Record<string, string>[] {
    return this.calls.filter((call) => call.action === action).map((call) => call.params);
  }

  /**
   * Spans (epoch ms) when the instance was surely protected: from a confirmed
   * SetInstanceProtection true to the arrival of the next SetInstanceProtection false.
   */
  protectedSpans(now = Date.now()): { readonly from: number; readonly to: number }[] {
    const spans: { from: number; to: number }[] = [];
    let from: number | undefined;
    for (const call of this.calls.filter((c) => c.action === 'SetInstanceProtection')) {
      if (call.params.ProtectedFromScaleIn === 'true' && call.answeredAt !== undefined) from ??= call.answeredAt;
      if (call.params.ProtectedFromScaleIn === 'false' && from !== undefined) {
        spans.push({ from, to: call.at });
        from = undefined;
      }
    }
    if (from !== undefined) spans.push({ from, to: now });
    return spans;
  }
}
