import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { InferenceImage } from '../../../lib/constructs/inference/inference-image';
import { SpotTrainingFleet } from '../../../lib/constructs/training/spot-training-fleet';
import { TrainingRuntime, TrainingRuntimeProps } from '../../../lib/constructs/training/training-runtime';
import { stackWithCluster } from './fixtures';

function build(props: Partial<TrainingRuntimeProps> = {}, bind = true) {
  const { stack, buckets, cluster } = stackWithCluster();
  const spotFleet = new SpotTrainingFleet(stack, 'SpotFleet', { cluster, instanceTypes: ['g5.12xlarge'] });
  const runtime = new TrainingRuntime(stack, 'Runtime', {
    buckets,
    imageRepository: ecr.Repository.fromRepositoryName(stack, 'Repo', 'ai-infra/training'),
    logRetention: RetentionDays.ONE_WEEK,
    ...props,
  });
  if (bind) {
    runtime.bind(cluster);
    runtime.bind(spotFleet);
  }
  return { stack, runtime, cluster, spotFleet };
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('TrainingRuntime bound to the cluster and its spot fleet', () => {
  const { stack, runtime } = build();
  const template = Template.fromStack(stack);
  const userDataOf = (prefix: string) => JSON.stringify(Object.entries(template.findResources('AWS::EC2::LaunchTemplate'))
    .find(([id]) => id.startsWith(prefix))?.[1].Properties.LaunchTemplateData.UserData);
  const clusterUserData = userDataOf('ClusterTemplate');
  const fleetUserData = userDataOf('SpotFleetTemplate');
  const statements: Statement[] = Object.values(template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ClusterInstanceRole') }] },
  }))[0].Properties.PolicyDocument.Statement;
  const actionsOn = (pattern: RegExp) => statements.filter((s) => pattern.test(JSON.stringify(s.Resource))).flatMap((s) => [s.Action].flat()).sort();

  test('user data downloads the launcher and the peer discovery from their assets', () => {
    for (const userData of [clusterUserData, fleetUserData]) {
      expect(userData).toMatch(/aws s3 cp 's3:\/\/",\{"Fn::Sub":"cdk-hnb659fds-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}"\},"\/[0-9a-f]{64}\.sh' '\/opt\/ai-infra\/train-node\.sh' --region/);
      expect(userData).toMatch(/\.sh' '\/opt\/ai-infra\/discover-peers\.sh' --region/);
    }
  });

  test('each capacity runs the active run of its own target', () => {
    expect(clusterUserData).toContain("TARGET='cluster'");
    expect(fleetUserData).toContain("TARGET='spot'");
  });

  test('the launcher\'s config carries the runs prefix, the heartbeat metric, the sync interval and the grace', () => {
    expect(clusterUserData).toMatch(/RUNS_URI='s3:\/\/",\{"Ref":"BucketsArtifacts[0-9A-F]+"\},"\/training-runs\/'/);
    expect(clusterUserData).toContain("METRICS_NAMESPACE='AI/Custom'\\nHEARTBEAT_METRIC='TrainingJobHeartbeat'\\nCHECKPOINT_SYNC_SECONDS='300'\\nSIGNAL_GRACE_SECONDS='75'");
    expect(clusterUserData).toMatch(/LOG_GROUP_NAME='",\{"Ref":"RuntimeLogs[0-9A-F]+"\},"'/);
  });

  test('the launcher runs as a unit stopped before docker, SIGTERM to it alone, with time for the grace and the upload', () => {
    expect(clusterUserData).toContain('systemd-run --unit=train-node --property=After=docker.service --property=Wants=docker.service '
      + '--property=KillMode=mixed --property=TimeoutStopSec=135 /opt/ai-infra/train-node.sh /etc/ai-infra/train-node.env');
  });

  test('checkpoints: read, write and clean up, only under checkpoints/', () => {
    expect(actionsOn(/BucketsCheckpoints.*\/checkpoints\/\*/)).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:PutObject', 's3:DeleteObject*']));
  });

  test('datasets and code: read only', () => {
    expect(actionsOn(/BucketsDatasets.*\/datasets\/\*/)).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
    expect(actionsOn(/BucketsArtifacts.*\/training-code\/\*/)).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
  });

  test('run records: read; the nodes\' own reports and the training output: write, no read or delete', () => {
    expect(actionsOn(/\/training-runs\/\*"/)).toEqual(['s3:GetBucket*', 's3:GetObject*', 's3:List*']);
    for (const prefix of [/\/training-runs\/\*\/nodes\/\*/, /\/training-output\/\*/]) {
      expect(actionsOn(prefix)).not.toContain('s3:GetObject*');
      expect(actionsOn(prefix)).not.toContain('s3:DeleteObject*');
      expect(actionsOn(prefix)).toContain('s3:PutObject');
    }
  });

  test('no object access outside the training prefixes and the two scripts', () => {
    const objects = statements.flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r)).filter((r) => r.includes('Fn::Join') && !r.includes(':ecr:'));
    expect(objects.map((r) => /\/([a-z-]+\/(\*\/nodes\/)?\*|[0-9a-f]{64}\.sh)"/.exec(r)?.[1] ?? r).sort()).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}\.sh$/), expect.stringMatching(/^[0-9a-f]{64}\.sh$/),
      'checkpoints/*', 'datasets/*', 'training-code/*', 'training-output/*', 'training-runs/*', 'training-runs/*/nodes/*',
    ].sort());
  });

  test('the job and launcher logs go to the runtime\'s log group', () => {
    expect(statements).toContainEqual({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^RuntimeLogs/), 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('images: pulls from the teams\' repository and the default Deep Learning Container repository only', () => {
    const pulls = statements.filter((s) => [s.Action].flat().includes('ecr:BatchGetImage')).map((s) => JSON.stringify(s.Resource));
    expect(pulls).toHaveLength(2);
    expect(pulls.find((r) => r.includes('ai-infra/training'))).toBeDefined();
    expect(pulls.find((r) => r.includes('repository/pytorch-training'))).toBeDefined();
  });

  test('peer discovery: the three describes, which have no resource-level permissions', () => {
    expect(statements).toContainEqual({
      Action: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances', 'ec2:DescribeFleetInstances'], Effect: 'Allow', Resource: '*',
    });
  });

  test('binding the fleet that shares the cluster\'s role adds no duplicate statement', () => {
    const rendered = statements.map((s) => JSON.stringify(s));
    expect(new Set(rendered).size).toBe(rendered.length);
  });

  test('the default image is the PyTorch training Deep Learning Container for EC2, its registry resolved per region', () => {
    expect(JSON.stringify(stack.resolve(runtime.defaultImageUri))).toContain('/pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-ec2');
    expect(JSON.stringify(stack.resolve(runtime.defaultImageUri))).toContain('Fn::FindInMap');
  });
});

describe('TrainingRuntime props', () => {
  test('a custom image is pulled instead of the default', () => {
    const { stack, runtime } = build({ image: InferenceImage.fromRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/train:7') });
    expect(runtime.defaultImageUri).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/train:7');
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('pytorch-training');
  });

  test('the default image is known only once bound', () => {
    expect(() => build({}, false).runtime.defaultImageUri).toThrow(/TrainingRuntime.defaultImageUri is known once the runtime is bound to capacity: call bind\(\) first/);
  });

  test.each([
    [{ checkpointSyncInterval: Duration.seconds(30) }, /checkpointSyncInterval \(30 seconds\) must be between 1 minute and 1 day/],
    [{ checkpointSyncInterval: Duration.millis(90_500) }, /checkpointSyncInterval \(1 minute 30 seconds\) must be a whole number of seconds/],
    [{ signalGrace: Duration.seconds(5) }, /signalGrace \(5 seconds\) must be between 10 seconds and 1 minute 40 seconds/],
    [{ signalGrace: Duration.seconds(101) }, /signalGrace \(1 minute 41 seconds\) must be between 10 seconds and 1 minute 40 seconds/],
    [{ signalGrace: Duration.millis(30_500) }, /signalGrace \(30 seconds 500 millis\) must be a whole number of seconds/],
    [{ image: InferenceImage.fromRegistry('train') }, /image \("train"\) must be an image reference with a tag or digest/],
  ] as Array<[Partial<TrainingRuntimeProps>, RegExp]>)('rejects %o', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
