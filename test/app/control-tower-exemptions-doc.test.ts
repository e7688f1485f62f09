import { readFileSync } from 'node:fs';
import { App, Stack, Stage } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { exemptFromControlTower } from '../../lib/compliance/control-tower-exemption';
import {
  COMPLIANCE_DOC, TABLE_BEGIN, TABLE_END, exemptionDeclarationsOf, generateComplianceDoc, renderComplianceDoc, renderExemptionsTable,
} from '../../scripts/control-tower-exemptions';

describe('docs/compliance.md', () => {
  test('has the exemptions table `npm run docs:exemptions` generates from the constructs: run it and commit the file', () => {
    expect(readFileSync(COMPLIANCE_DOC, 'utf8')).toBe(generateComplianceDoc());
  });
});

/** A construct that exempts its queue from CT.SQS.PR.1 where it is a dead-letter queue. */
class Queues extends Construct {
  constructor(scope: Construct, id: string, deadLetters: boolean, reason = 'It is a dead-letter queue.') {
    super(scope, id);
    const queue = new sqs.Queue(this, 'Queue');
    exemptFromControlTower(this, queue, { control: 'CT.SQS.PR.1', reason, condition: { description: 'a dead-letter queue', holds: deadLetters } });
    exemptFromControlTower(this, queue, { control: 'CT.SQS.PR.2', reason: 'SQS-managed encryption.' });
  }
}

/** Three environments: the queue is a dead-letter queue in the first two only. */
function fixtureApp(names = ['dev', 'staging', 'prod']): App {
  const app = new App();
  names.forEach((name, i) => new Queues(new Stack(new Stage(app, name), 'Jobs'), 'Queues', i < 2));
  return app;
}

describe('exemptionDeclarationsOf', () => {
  test('reads every declaration, held or not, with its environment and path below it', () => {
    expect(exemptionDeclarationsOf(fixtureApp()).filter((d) => d.exemption.control === 'CT.SQS.PR.1').map((d) => [d.environment, d.constructPath, d.exemption.holds]))
      .toEqual([['dev', 'Jobs/Queues/Queue', true], ['staging', 'Jobs/Queues/Queue', true], ['prod', 'Jobs/Queues/Queue', false]]);
  });
});

const REVIEWS = { 'CT.SQS.PR.1': { owner: 'queues-team', reviewBy: '2027-01-31' } };

describe('renderExemptionsTable', () => {
  const table = renderExemptionsTable(fixtureApp(), REVIEWS);

  test('lists a declaration found in several environments once, naming those where its condition holds, and its owner and review date', () => {
    expect(table).toContain('| CT.SQS.PR.1 | `Jobs/Queues/Queue` | `Queues` | a dead-letter queue | dev, staging | queues-team | 2027-01-31 | It is a dead-letter queue. |');
  });

  test('names `always` for an exemption without a condition and `all` where it holds in every environment', () => {
    expect(table).toContain('| CT.SQS.PR.2 | `Jobs/Queues/Queue` | `Queues` | always | all |');
  });

  test('says where to add the owner and review date of a control that has none', () => {
    expect(table).toContain('| always | all | none: add it to lib/config/compliance.ts | - | SQS-managed encryption. |');
  });

  test('names `-` for a declaration that holds in no environment', () => {
    const app = new App();
    new Queues(new Stack(new Stage(app, 'dev'), 'Jobs'), 'Queues', false);
    expect(renderExemptionsTable(app, REVIEWS)).toContain('| a dead-letter queue | - |');
  });

  test('names the environments from the app, whatever they are', () => {
    expect(renderExemptionsTable(fixtureApp(['qa', 'uat', 'live']), REVIEWS)).toContain('| a dead-letter queue | qa, uat |');
  });

  test('escapes a pipe in a reason, which would end the table cell', () => {
    const app = new App();
    new Queues(new Stack(app, 'Jobs'), 'Queues', true, 'Either <a|b>.');
    expect(renderExemptionsTable(app, REVIEWS)).toContain('| Either <a\\|b>. |');
  });
});

describe('renderComplianceDoc', () => {
  test('replaces what is between the markers and keeps the rest', () => {
    const doc = `# Title\n\n${TABLE_BEGIN}\nold table\n${TABLE_END}\n\nEnd.\n`;
    expect(renderComplianceDoc(fixtureApp(), doc)).toBe(`# Title\n\n${TABLE_BEGIN}\n${renderExemptionsTable(fixtureApp())}\n${TABLE_END}\n\nEnd.\n`);
  });

  test('throws on a document without the markers', () => {
    expect(() => renderComplianceDoc(fixtureApp(), '# Title\n')).toThrow(/has no table between/);
  });
});
