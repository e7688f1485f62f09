import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CONTROL_TOWER_EXEMPTION_METADATA_KEY, ControlTowerExemption, declaredExemptionsOn, exemptFromControlTower,
} from '../../lib/compliance/control-tower-exemption';

const DEAD_LETTERS: ControlTowerExemption = { control: 'CT.SQS.PR.1', reason: 'It is a dead-letter queue.' };

/** A construct that declares an exemption for the queue it creates, when `holds`. */
class Owner extends Construct {
  public readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, condition?: ControlTowerExemption['condition']) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue');
    exemptFromControlTower(this, this.queue, { ...DEAD_LETTERS, condition });
  }
}

/** The acknowledgements CDK recorded on `construct`, by id. */
function acknowledgedOn(construct: Construct): Record<string, string> {
  return Object.assign({}, ...construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .map((entry) => entry.data as Record<string, string>));
}

describe('exemptFromControlTower', () => {
  const stack = new Stack(new App(), 'Stack');

  test('without a condition acknowledges the control\'s Guard rule on the resource, with the reason', () => {
    const owner = new Owner(stack, 'Always');
    expect(acknowledgedOn(owner.queue)).toEqual({ 'ControlTower::sqs_dlq_check': 'It is a dead-letter queue.' });
  });

  test('acknowledges nothing on the owner: only the resource is exempted', () => {
    expect(acknowledgedOn(new Owner(stack, 'OnlyResource'))).toEqual({});
  });

  test('with a condition that holds acknowledges the control', () => {
    const owner = new Owner(stack, 'Holds', { description: 'a dead-letter queue', holds: true });
    expect(Object.keys(acknowledgedOn(owner.queue))).toEqual(['ControlTower::sqs_dlq_check']);
  });

  test('with a condition that does not hold acknowledges nothing: the finding stays', () => {
    const owner = new Owner(stack, 'DoesNotHold', { description: 'a dead-letter queue', holds: false });
    expect(acknowledgedOn(owner.queue)).toEqual({});
  });

  test('records the declaration, held or not, with the owner\'s class, for the docs and the report', () => {
    const owner = new Owner(stack, 'Recorded', { description: 'a dead-letter queue', holds: false });
    expect(declaredExemptionsOn(owner.queue)).toEqual([{
      control: 'CT.SQS.PR.1', reason: 'It is a dead-letter queue.', condition: 'a dead-letter queue', holds: false, declaredBy: 'Owner',
    }]);
  });

  test('records its declaration under its own metadata type', () => {
    const owner = new Owner(stack, 'MetadataType');
    expect(owner.queue.node.metadata.map((entry) => entry.type)).toContain(CONTROL_TOWER_EXEMPTION_METADATA_KEY);
  });

  test('throws on a control the validator does not bundle, naming it', () => {
    expect(() => exemptFromControlTower(stack, new sqs.Queue(stack, 'Unknown'), { control: 'CT.SQS.PR.99', reason: 'r' })).toThrow(
      /Unknown Control Tower control "CT.SQS.PR.99"/,
    );
  });
});

describe('declaredExemptionsOn', () => {
  test('reads only the construct\'s own declarations, not those below it', () => {
    const owner = new Owner(new Stack(new App(), 'Stack'), 'Owner');
    expect([declaredExemptionsOn(owner), declaredExemptionsOn(owner.queue).length]).toEqual([[], 1]);
  });
});
