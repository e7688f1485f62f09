import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { EKSClient } from '@aws-sdk/client-eks';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { ENVIRONMENTS, EnvironmentConfig, inferenceServicesOf } from '../../lib/config';
import { STACK_IDS, stackNameOf } from '../../lib/stacks/stack-names';
import { runSmokeCheck } from '../../scripts/smoke-check/smoke-check';
import { synthStage } from '../helpers/synth-stage';

// The smoke check against the outputs and templates of the app's real stacks, in prod's shape
// (no night schedule) with and without the model published. The ML platform is left out: it
// has its own checks and nothing here depends on it.
const [first] = ENVIRONMENTS;
// Its first service, the one the checks run on.
const [[service, settings]] = inferenceServicesOf(first);
const prodShaped = (modelPublished: boolean): EnvironmentConfig => ({
  ...first,
  modelPublished,
  inference: { [service]: { ...settings, schedule: undefined, fleet: { ...settings.fleet, minCapacity: Math.max(1, settings.fleet.minCapacity) } } },
  guardrails: { ...first.guardrails, requireScaleToZero: false },
  mlPlatform: { ...first.mlPlatform, enabled: false },
});
const unpublished = prodShaped(false);
const published = prodShaped(true);
const templates = { unpublished: synthStage(unpublished).templates, published: synthStage(published).templates };

const cloudFormation = mockClient(CloudFormationClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const autoScaling = mockClient(AutoScalingClient);
const sqs = mockClient(SQSClient);
const sageMaker = mockClient(SageMakerClient);

const clients = () => ({
  cloudFormation: new CloudFormationClient({}), elbv2: new ElasticLoadBalancingV2Client({}), autoScaling: new AutoScalingClient({}),
  sqs: new SQSClient({}), sageMaker: new SageMakerClient({}), s3: new S3Client({}), eks: new EKSClient({}),
});

/** CloudFormation answers with the stacks as the config deploys them: their real outputs (values made up) and templates. */
function deployed(state: keyof typeof templates): void {
  for (const id of [STACK_IDS.inference, STACK_IDS.training]) {
    const template = templates[state][id].toJSON() as { Outputs?: Record<string, unknown> };
    const stackName = stackNameOf(first.name, id);
    cloudFormation.on(DescribeStacksCommand, { StackName: stackName }).resolves({
      Stacks: [{
        StackName: stackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(),
        Outputs: Object.keys(template.Outputs ?? {}).map((key) => ({ OutputKey: key, OutputValue: `${key}-value` })),
      }],
    });
    cloudFormation.on(GetTemplateCommand, { StackName: stackName }).resolves({ TemplateBody: JSON.stringify(template) });
  }
}

beforeEach(() => {
  [cloudFormation, elbv2, autoScaling, sqs, sageMaker].forEach((mock) => mock.reset());
  // The fleet right after the first deploy: no target, desired and minimum 0, no scheduled action.
  elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
  autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [{ AutoScalingGroupName: 'AutoScalingGroupName-value', DesiredCapacity: 0, MinSize: 0, MaxSize: 4, AvailabilityZones: [], DefaultCooldown: 300, HealthCheckType: 'ELB', CreatedTime: new Date() }],
  });
  autoScaling.on(DescribeScheduledActionsCommand).resolves({ ScheduledUpdateGroupActions: [] });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-central-1:123456789012:jobs', ApproximateNumberOfMessages: '0' } });
  sageMaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
});

const line = (results: Awaited<ReturnType<typeof runSmokeCheck>>, suffix: string) => results.find((r) => r.check.endsWith(suffix));

describe('before the model is published (every shipped config on its first deploy)', () => {
  test('the Training stack has no EndpointName output', () => {
    expect(Object.keys(templates.unpublished[STACK_IDS.training].toJSON().Outputs)).not.toContain('EndpointName');
  });

  test('every check passes: the fleet at its template\'s MinSize 0 without a schedule, the endpoint skipped with why', async () => {
    deployed('unpublished');
    const results = await runSmokeCheck(clients(), unpublished, [service]);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(line(results, 'fleet')?.detail).toBe('fleet at 0, as its template\'s MinSize 0 allows (the model is not published: modelPublished is false in the environment\'s config): a queued job wakes it');
    expect(line(results, 'endpoint')?.detail).toBe('skipped: the model is not published: modelPublished is false in the environment\'s config, and the stack has no endpoint until it is');
    expect(sageMaker.commandCalls(DescribeEndpointCommand)).toEqual([]);
  });
});

describe('once the model is published', () => {
  test('a fleet at 0 fails: its template\'s MinSize is the config\'s minCapacity and no schedule explains 0', async () => {
    deployed('published');
    const results = await runSmokeCheck(clients(), published, [service]);
    expect(line(results, 'fleet')).toMatchObject({
      ok: false,
      detail: `fleet at 0 while its template's MinSize is ${published.inference[service].fleet.minCapacity}, and no scheduled action explains it: something set it to 0 outside the deploy`,
    });
  });

  test('the endpoint named by the Training stack\'s output is checked', async () => {
    deployed('published');
    const results = await runSmokeCheck(clients(), published, [service]);
    expect(line(results, 'endpoint')).toMatchObject({ ok: true, detail: 'EndpointName-value is InService' });
  });

  test('a Training stack that is not deployed fails the endpoint check, naming the stack', async () => {
    deployed('published');
    const training = stackNameOf(first.name, STACK_IDS.training);
    cloudFormation.on(DescribeStacksCommand, { StackName: training }).rejects(new Error(`Stack with id ${training} does not exist`));
    const results = await runSmokeCheck(clients(), published, [service]);
    expect(line(results, 'endpoint')).toMatchObject({ ok: false, detail: `Error: Stack with id ${training} does not exist` });
  });
});
