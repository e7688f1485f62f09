import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { InferenceModel } from '../../../lib/constructs/inference/inference-runtime';
import { InferenceService, InferenceServiceSettings, inferenceServiceSettingsProblems } from '../../../lib/constructs/inference/inference-service';
import { RegisteredModel } from '../../../lib/constructs/inference/registered-model';
import { problemsOf } from '../../../lib/validation';
import { model, serviceResources } from './fixtures';
import { EXAMPLE_STACK, resolve } from '../../helpers/fake-cloudformation';

const GROUP = 'sentiment-3f2a1c';
const REGISTERED: InferenceModel = { modelPackage: { groupName: GROUP, version: 'latest-approved' }, environment: { MAX_BATCH_SIZE: '8' } };

function settings(overrides: Partial<InferenceServiceSettings> = {}): InferenceServiceSettings {
  return {
    model: REGISTERED,
    fleet: { instanceTypes: ['g5.xlarge', 'g4dn.xlarge'], minCapacity: 1, maxCapacity: 4 },
    maxJobDuration: Duration.minutes(10),
    scaling: { acceptableLatency: Duration.minutes(2), timePerJob: Duration.seconds(10), scaleToZeroAfterIdle: Duration.minutes(15) },
    ...overrides,
  };
}

/** The rendered user data as text, with each CloudFormation token written as its JSON. */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  return join ? join[1].map(flatten).join(join[0]) : JSON.stringify(value);
}

describe('InferenceService serving a registered model', () => {
  const resources = serviceResources();
  const { stack, vpc, modelBucket, modelCache } = resources;
  const service = new InferenceService(stack, 'Sentiment', {
    ...settings(), vpc, modelBucket, modelCache, accessLogsBucket: new s3.Bucket(stack, 'AccessLogs'), logRetention: RetentionDays.ONE_WEEK,
  });
  const template = Template.fromStack(stack);
  const resolver = (service.served as RegisteredModel).node.defaultChild;
  const getAtt = (attribute: string) => ({ 'Fn::GetAtt': [stack.getLogicalId(resolver as never), attribute] });
  const [launchTemplate] = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
  const userData = flatten(launchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64']);
  const fleetRole = { Ref: Match.stringLikeRegexp('^SentimentFleetLaunchTemplate.*Role') };

  test('resolves the model package at deploy, in the service', () => {
    expect(service.served).toBeInstanceOf(RegisteredModel);
    template.resourceCountIs('Custom::ModelPackageVersion', 1);
  });

  test('the boot downloads the resolved archive, caches it under the group and the resolved version, and runs the resolved image', () => {
    expect(userData).toContain(`MODEL_ARCHIVE_URL='${JSON.stringify(getAtt('ModelDataUrl'))}'`);
    expect(userData).toContain(`MODEL_NAME='${GROUP}'\nMODEL_VERSION='${JSON.stringify(getAtt('Version'))}'\nCONTAINER_IMAGE='${JSON.stringify(getAtt('Image'))}'`);
  });

  test('the resolved version is launch template data (user data, the instances\' model-version tag): a new version makes a new template version, which starts the instance refresh', () => {
    expect(launchTemplate.Properties.LaunchTemplateData.TagSpecifications).toEqual(expect.arrayContaining([
      { ResourceType: 'instance', Tags: expect.arrayContaining([{ Key: 'model-version', Value: getAtt('Version') }]) },
    ]));
  });

  test('the fleet may read the resolved archive object and no model of the model bucket', () => {
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('models/*');
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [fleetRole],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', getAtt('ArtifactBucket'), '/', getAtt('ArtifactKey')]] },
        }]),
      },
    });
  });

  test('the fleet may pull from the resolved image repository', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [fleetRole],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: getAtt('ImageRepositoryArn') })]) },
    });
  });

  test('the service\'s log group is named after the group', () => {
    const names = Object.values(template.findResources('AWS::Logs::LogGroup')).map((r) => resolve(r.Properties.LogGroupName, EXAMPLE_STACK));
    expect(names).toContainEqual(expect.stringMatching(new RegExp(`^/ai/inference/${GROUP}`)));
  });

  test('the container keeps the model\'s environment', () => {
    expect(userData).toContain("cat > '/etc/ai-inference/model.env' <<'AI_INFERENCE_EOF'\nMAX_BATCH_SIZE=8\nAI_INFERENCE_EOF");
  });
});

describe('a service\'s model: an archive or a registered model, as written', () => {
  const problems = (written: Partial<InferenceServiceSettings>) => problemsOf(inferenceServiceSettingsProblems(settings(written)));

  test('a registered model with an archive\'s fields is refused, naming what was written and how to drop it in an override', () => {
    const both = { ...model(), modelPackage: { groupName: GROUP, version: 3 } } as unknown as InferenceModel;
    expect(problems({ model: both })).toEqual([
      `model.modelPackage (group "${GROUP}") cannot be given with name ("llama"), version ("1.0.0"), image (public.ecr.aws/my-org/serving:1.0.0): `
      + 'a service serves an archive (name, version, image) or a registered model (modelPackage); remove name, version, image '
      + '(in an environment override: name: undefined, version: undefined, image: undefined)',
    ]);
  });

  test('an archive without its image is refused, naming the two ways to give a model', () => {
    const noImage = { name: 'llama', version: '1.0.0' } as unknown as InferenceModel;
    expect(problems({ model: noImage })).toEqual([
      'model.image is missing: give name, version and image (an archive of the model bucket), or modelPackage (a version of the SageMaker Model Registry)',
    ]);
  });

  test('a registered model\'s version is checked where the config writes it', () => {
    expect(problems({ model: { modelPackage: { groupName: GROUP, version: 0 } } })).toEqual([
      "model.modelPackage.version (0) must be a whole number >= 1 (a version of the group) or 'latest-approved' (the newest Approved version)",
    ]);
  });

  test('a baked image is refused with a registered model: its image is known only at deploy', () => {
    expect(problems({ fleet: { ...settings().fleet, bakedImage: {} } })).toEqual([
      `fleet.bakedImage cannot be used with model.modelPackage (group "${GROUP}"): the baked image's recipe is versioned at synth from the serving image, `
      + "and a registered model's image is known only when the deploy resolves it; remove bakedImage, or serve an archive (name, version, image)",
    ]);
  });

  test('a registered model needs no GPU build of an image at synth: the package names its one image', () => {
    expect(problems({})).toEqual([]);
  });
});
