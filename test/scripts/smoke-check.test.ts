import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScheduledActionsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeEndpointCommand, DescribeMlflowTrackingServerCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetQueueAttributesCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { checkEndpointInService } from '../../scripts/smoke-check/endpoint-check';
import { checkFleet } from '../../scripts/smoke-check/fleet-check';
import { checkClusterActive, checkTrackingServerActive } from '../../scripts/smoke-check/ml-platform-checks';
import { checkDeadLetterQueueEmpty, checkQueueExists } from '../../scripts/smoke-check/queue-checks';
import { runCheck } from '../../scripts/smoke-check/check-result';
import { readStackOutputs } from '../../scripts/smoke-check/stack-outputs';

const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const autoScaling = mockClient(AutoScalingClient);
const sqs = mockClient(SQSClient);
const sageMaker = mockClient(SageMakerClient);
const cloudFormation = mockClient(CloudFormationClient);

const TG = 'arn:aws:elasticloadbalancing:eu-central-1:123456789012:targetgroup/dev-inference/abc';
const ASG = 'dev-inference-fleet';
const QUEUE = 'https://sqs.eu-central-1.amazonaws.com/123456789012/dev-jobs';
const DLQ = 'https://sqs.eu-central-1.amazonaws.com/123456789012/dev-jobs-dlq';

beforeEach(() => {
  [elbv2, autoScaling, sqs, sageMaker, cloudFormation].forEach((mock) => mock.reset());
});

const atZero = { AutoScalingGroupName: ASG, DesiredCapacity: 0, MinSize: 0, MaxSize: 2, AvailabilityZones: [], DefaultCooldown: 300, HealthCheckType: 'ELB', CreatedTime: new Date() };
const fleet = (templateMinSize: number, reason?: string) => checkFleet(new ElasticLoadBalancingV2Client({}), new AutoScalingClient({}), TG, ASG, {
  templateMinSize: async () => templateMinSize,
  ...(reason ? { reason } : {}),
});

describe('checkFleet', () => {
  test('passes with a healthy target, without reading the template', async () => {
    elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: TG }).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: 'i-1' }, TargetHealth: { State: 'healthy' } },
        { Target: { Id: 'i-2' }, TargetHealth: { State: 'initial' } },
      ],
    });
    const read = jest.fn(async () => 2);
    await expect(checkFleet(new ElasticLoadBalancingV2Client({}), new AutoScalingClient({}), TG, ASG, { templateMinSize: read })).resolves.toEqual({ ok: true, detail: '1 of 2 targets healthy' });
    expect(read).not.toHaveBeenCalled();
  });

  test('passes at 0 when its template\'s MinSize is 0, with the config\'s reason', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    autoScaling.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: [ASG] }).resolves({ AutoScalingGroups: [atZero] });
    await expect(fleet(0, 'the model is not published')).resolves.toEqual({ ok: true, detail: 'fleet at 0, as its template\'s MinSize 0 allows (the model is not published): a queued job wakes it' });
    expect(autoScaling.commandCalls(DescribeScheduledActionsCommand)).toEqual([]);
  });

  test('passes at 0 under its schedule when its template\'s MinSize is above 0', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    autoScaling.on(DescribeAutoScalingGroupsCommand, { AutoScalingGroupNames: [ASG] }).resolves({ AutoScalingGroups: [atZero] });
    autoScaling.on(DescribeScheduledActionsCommand, { AutoScalingGroupName: ASG }).resolves({
      ScheduledUpdateGroupActions: [{ ScheduledActionName: 'ScaleDown' }, { ScheduledActionName: 'ScaleUp' }],
    });
    await expect(fleet(1)).resolves.toEqual({ ok: true, detail: 'fleet at 0 under its schedule (ScaleDown, ScaleUp)' });
  });

  test('fails at 0 when its template wants instances and no scheduled action explains it', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [atZero] });
    autoScaling.on(DescribeScheduledActionsCommand).resolves({ ScheduledUpdateGroupActions: [] });
    await expect(fleet(2)).resolves.toEqual({
      ok: false,
      detail: 'fleet at 0 while its template\'s MinSize is 2, and no scheduled action explains it: something set it to 0 outside the deploy',
    });
  });

  test('fails when instances are wanted but none is healthy', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [{ Target: { Id: 'i-1' }, TargetHealth: { State: 'unhealthy' } }],
    });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [{ ...atZero, DesiredCapacity: 2, MinSize: 2, MaxSize: 4 }] });
    await expect(fleet(2)).resolves.toEqual({ ok: false, detail: 'no healthy target (i-1 unhealthy) while the group wants 2 instances (min 2)' });
  });

  test('fails when the Auto Scaling group does not exist', async () => {
    elbv2.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [] });
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    await expect(fleet(0)).resolves.toEqual({ ok: false, detail: `no healthy target, and the Auto Scaling group ${ASG} does not exist` });
  });
});

describe('queue checks', () => {
  test('the queue passes when it exists', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: QUEUE }).resolves({ Attributes: { QueueArn: 'arn:aws:sqs:eu-central-1:123456789012:dev-jobs' } });
    await expect(checkQueueExists(new SQSClient({}), QUEUE)).resolves.toEqual({ ok: true, detail: 'exists (arn:aws:sqs:eu-central-1:123456789012:dev-jobs)' });
  });

  test('a missing queue fails with the SQS error', async () => {
    sqs.on(GetQueueAttributesCommand).rejects(new QueueDoesNotExist({ message: 'The specified queue does not exist.', $metadata: {} }));
    const result = await runCheck('dev-AiInference queue', () => checkQueueExists(new SQSClient({}), QUEUE));
    expect(result).toEqual({ check: 'dev-AiInference queue', ok: false, detail: 'QueueDoesNotExist: The specified queue does not exist.' });
  });

  test('an empty dead-letter queue passes', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    await expect(checkDeadLetterQueueEmpty(new SQSClient({}), DLQ)).resolves.toEqual({ ok: true, detail: 'exists and is empty' });
  });

  test('a dead-letter queue with messages fails', async () => {
    sqs.on(GetQueueAttributesCommand, { QueueUrl: DLQ }).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
    await expect(checkDeadLetterQueueEmpty(new SQSClient({}), DLQ)).resolves.toEqual({
      ok: false,
      detail: `3 failed jobs in ${DLQ}: inspect them, fix the cause, then redrive or purge`,
    });
  });

  test('a dead-letter queue without a message count fails', async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    await expect(checkDeadLetterQueueEmpty(new SQSClient({}), DLQ)).resolves.toEqual({ ok: false, detail: `${DLQ} did not report ApproximateNumberOfMessages` });
  });
});

describe('checkEndpointInService', () => {
  test('passes when InService', async () => {
    sageMaker.on(DescribeEndpointCommand, { EndpointName: 'dev-sentiment' }).resolves({ EndpointStatus: 'InService' });
    await expect(checkEndpointInService(new SageMakerClient({}), 'dev-sentiment')).resolves.toEqual({ ok: true, detail: 'dev-sentiment is InService' });
  });

  test('fails with the status and the failure reason otherwise', async () => {
    sageMaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Failed', FailureReason: 'image not found' });
    await expect(checkEndpointInService(new SageMakerClient({}), 'dev-sentiment')).resolves.toEqual({
      ok: false,
      detail: 'dev-sentiment is Failed, not InService: image not found',
    });
  });
});

describe('readStackOutputs', () => {
  test('returns the named outputs', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'dev-Training' }).resolves({
      Stacks: [{ StackName: 'dev-Training', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'EndpointName', OutputValue: 'dev-sentiment' }] }],
    });
    await expect(readStackOutputs(new CloudFormationClient({}), 'dev-Training', ['EndpointName'])).resolves.toEqual({ EndpointName: 'dev-sentiment' });
  });

  test('names the missing outputs', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'dev-AiInference', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [] }],
    });
    await expect(readStackOutputs(new CloudFormationClient({}), 'dev-AiInference', ['QueueUrl', 'TargetGroupArn'])).rejects.toThrow(
      'stack dev-AiInference has no output QueueUrl, TargetGroupArn: deploy the current version of the app',
    );
  });
});

describe('checkTrackingServerActive', () => {
  const check = () => checkTrackingServerActive(new SageMakerClient({}), 'mlflow');

  test('passes when the server is Active', async () => {
    sageMaker.on(DescribeMlflowTrackingServerCommand, { TrackingServerName: 'mlflow' }).resolves({ IsActive: 'Active', TrackingServerStatus: 'Updated' });
    await expect(check()).resolves.toEqual({ ok: true, detail: 'mlflow is Active (Updated)' });
  });

  test('fails when the server is stopped', async () => {
    sageMaker.on(DescribeMlflowTrackingServerCommand).resolves({ IsActive: 'Inactive', TrackingServerStatus: 'Stopped' });
    await expect(check()).resolves.toEqual({ ok: false, detail: 'mlflow is Inactive (Stopped), not Active: it is stopped, or still starting' });
  });
});

describe('checkClusterActive', () => {
  const eks = mockClient(EKSClient);
  beforeEach(() => eks.reset());
  const check = () => checkClusterActive(new EKSClient({}), 'kfp');

  test('passes when the cluster is ACTIVE', async () => {
    eks.on(DescribeClusterCommand, { name: 'kfp' }).resolves({ cluster: { status: 'ACTIVE', version: '1.35' } });
    await expect(check()).resolves.toEqual({ ok: true, detail: 'kfp is ACTIVE, Kubernetes 1.35' });
  });

  test('fails while the cluster is updating', async () => {
    eks.on(DescribeClusterCommand).resolves({ cluster: { status: 'UPDATING', version: '1.35' } });
    await expect(check()).resolves.toEqual({ ok: false, detail: 'kfp is UPDATING, not ACTIVE' });
  });
});

