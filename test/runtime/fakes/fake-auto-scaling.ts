import { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './http';

/** One Auto Scaling API call: its Action and its other form parameters. */
export interface AutoScalingCall {
  readonly action: string;
  readonly params: Record<string, string>;
}

/**
 * EC2 Auto Scaling over its query protocol (form-encoded POST, XML answer), recording every
 * call. CompleteLifecycleAction can be made to fail a number of times first, as it does
 * while no lifecycle action is pending for the instance.
 */
export class FakeAutoScaling {
  readonly calls: AutoScalingCall[] = [];
  rejectCompletions = 0;

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const { Action: action, ...rest } = params;
    this.calls.push({ action, params: rest });
    res.setHeader('content-type', 'text/xml');
    if (action === 'CompleteLifecycleAction' && this.rejectCompletions > 0) {
      this.rejectCompletions -= 1;
      res.writeHead(400).end('<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>'
        + `<Message>No active Lifecycle Action found with instance ID ${rest.InstanceId}</Message></Error>`
        + '<RequestId>r</RequestId></ErrorResponse>');
      return;
    }
    res.writeHead(200).end(`<${action}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">`
      + `<${action}Result/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`);
  }

  /** The calls of one action. */
  callsOf(action: string): Record<string, string>[] {
    return this.calls.filter((call) => call.action === action).map((call) => call.params);
  }
}
