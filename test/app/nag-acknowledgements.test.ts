import { readFileSync } from 'node:fs';
import { App, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ACKNOWLEDGEMENTS_DOC, acknowledgementsOf, generateAcknowledgementsDoc, renderAcknowledgements, renderAcknowledgementsDoc,
} from '../../scripts/nag-acknowledgements';

describe('docs/nag-acknowledgements.md', () => {
  test('is what `npm run docs:nag` generates from the code: run it and commit the file', () => {
    expect(readFileSync(ACKNOWLEDGEMENTS_DOC, 'utf8')).toBe(generateAcknowledgementsDoc());
  });
});

class QueueStack extends Stack {
  public readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, reason = 'It is a dead-letter queue.') {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Dlq', { enforceSSL: true });
    Validations.of(this.queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
  }
}

class EmptyStack extends Stack {}

/** An app with three environments, one of which gives the queue another reason, and a stack outside them. */
function fixtureApp(): App {
  const app = new App();
  for (const name of ['dev', 'staging', 'prod']) {
    const stage = new Stage(app, name);
    new QueueStack(stage, 'Queues', name === 'prod' ? 'Prod keeps its messages.' : undefined);
    new EmptyStack(stage, 'Empty');
  }
  const shared = new QueueStack(app, 'Shared');
  Validations.of(shared.queue).acknowledge({ id: 'AwsSolutions-SQS4', reason: 'It is a dead-letter queue.' });
  return app;
}

describe('acknowledgementsOf', () => {
  const acknowledgements = acknowledgementsOf(fixtureApp());

  test('leaves Control Tower exemptions out: docs/compliance.md documents them', () => {
    const app = new App();
    const stack = new QueueStack(app, 'Queues');
    Validations.of(stack.queue).acknowledge({ id: 'ControlTower::sqs_queue_redrive_policy_check', reason: 'It is a dead-letter queue.' });
    expect(acknowledgementsOf(app).map((a) => a.ruleId)).toEqual(['AwsSolutions-SQS3']);
  });

  test('reads each acknowledgement with its stack type, environment and path below the environment', () => {
    expect(acknowledgements[0]).toEqual({
      stackType: 'QueueStack', environment: 'dev', constructPath: 'Queues/Dlq', ruleId: 'AwsSolutions-SQS3', reason: 'It is a dead-letter queue.',
    });
  });

  test('gives a construct outside every environment its full path and no environment', () => {
    expect(acknowledgements.filter((a) => a.environment === undefined).map((a) => a.constructPath)).toEqual(['Shared/Dlq', 'Shared/Dlq']);
  });
});

describe('renderAcknowledgements', () => {
  const markdown = renderAcknowledgements(fixtureApp());

  test('renders one table per stack type', () => {
    expect(markdown.match(/^## .*$/gm)).toEqual(['## QueueStack']);
  });

  test('lists a row found in several environments once, naming them', () => {
    expect(markdown).toContain('| `AwsSolutions-SQS3` | `Queues/Dlq` | dev, staging | It is a dead-letter queue. |');
    expect(markdown).toContain('| `AwsSolutions-SQS3` | `Queues/Dlq` | prod | Prod keeps its messages. |');
  });

  test('lists the findings of one construct with one reason in one row', () => {
    expect(markdown).toContain('| `AwsSolutions-SQS3`<br>`AwsSolutions-SQS4` | `Shared/Dlq` | - | It is a dead-letter queue. |');
  });

  test('names `all` for a row found in every environment', () => {
    const app = new App();
    for (const name of ['dev', 'prod']) new QueueStack(new Stage(app, name), 'Queues');
    expect(renderAcknowledgements(app)).toContain('| `AwsSolutions-SQS3` | `Queues/Dlq` | all | It is a dead-letter queue. |');
  });

  test('names the stack types without any acknowledgement', () => {
    expect(markdown).toContain('No acknowledgement in: `EmptyStack`.');
  });

  test('escapes a pipe in a reason, which would end the table cell', () => {
    const app = new App();
    new QueueStack(app, 'Queues', 'Either <a|b>.');
    expect(renderAcknowledgements(app)).toContain('| Either <a\\|b>. |');
  });
});

describe('renderAcknowledgementsDoc', () => {
  test('puts the tables in place of the template\'s placeholder', () => {
    expect(renderAcknowledgementsDoc(fixtureApp(), '# Title\n\n{{acknowledgements}}\n\nEnd.\n')).toMatch(/^<!-- Generated .*-->\n# Title\n\n## QueueStack\n[^]*\n\nEnd\.\n$/);
  });

  test('throws on a template without the placeholder', () => {
    expect(() => renderAcknowledgementsDoc(fixtureApp(), '# Title\n')).toThrow(/has no \{\{acknowledgements\}\} placeholder/);
  });
});
