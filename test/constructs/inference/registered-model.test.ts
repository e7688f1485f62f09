import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { MODEL_PACKAGE_REFRESH_PARAMETER, ModelPackageReference, RegisteredModel, modelPackageReferenceProblems } from '../../../lib/constructs/inference/registered-model';
import { MODEL_PACKAGE_ATTRIBUTES } from '../../../lib/runtime/model-package/contract';
import { problemsOf } from '../../../lib/validation';

const GROUP = 'sentiment-3f2a1c';

function build(modelPackage: ModelPackageReference): { stack: Stack; model: RegisteredModel; template: Template; grantee: iam.Role } {
  const stack = new Stack(new App(), 'Serving', { env: { account: '123456789012', region: 'eu-central-1' } });
  const model = new RegisteredModel(stack, 'Model', { modelPackage, logRetention: RetentionDays.ONE_WEEK });
  const grantee = new iam.Role(stack, 'Grantee', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  model.grantReadArchive(grantee);
  model.image.bind(stack, grantee, 'gpu');
  return { stack, model, template: Template.fromStack(stack), grantee };
}

/** The custom resource's attribute, as the template references it. */
const attribute = (name: keyof typeof MODEL_PACKAGE_ATTRIBUTES) => ({ 'Fn::GetAtt': [Match.stringLikeRegexp('^Model[0-9A-F]{8}$'), MODEL_PACKAGE_ATTRIBUTES[name]] });

describe('RegisteredModel of the latest approved version', () => {
  const { stack, model, template } = build({ groupName: GROUP, version: 'latest-approved' });

  test('asks the resolver for the group\'s latest approved version, with the stack\'s refresh parameter', () => {
    template.hasResourceProperties('Custom::ModelPackageVersion', { GroupName: GROUP, Version: 'latest-approved', Refresh: { Ref: MODEL_PACKAGE_REFRESH_PARAMETER } });
  });

  test('the refresh parameter has a default, so a deploy without it still resolves the first time', () => {
    template.hasParameter(MODEL_PACKAGE_REFRESH_PARAMETER, { Type: 'String', Default: Match.stringLikeRegexp('.+') });
  });

  test('its version, archive and ARN are the resolver\'s attributes, known at deploy', () => {
    const getAtt = (name: string) => ({ 'Fn::GetAtt': [expect.stringMatching(/^Model[0-9A-F]{8}$/), name] });
    expect(stack.resolve([model.version, model.archiveUrl, model.modelPackageArn])).toEqual([getAtt('Version'), getAtt('ModelDataUrl'), getAtt('ModelPackageArn')]);
  });

  test('is named by its group', () => {
    expect([model.name, model.description]).toEqual([GROUP, `model package group ${GROUP} (the latest approved version)`]);
  });

  test('the resolver may list model packages and describe only the versions of its group', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ModelResolverRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'sagemaker:ListModelPackages', Effect: 'Allow', Resource: '*' },
          {
            Action: 'sagemaker:DescribeModelPackage',
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:eu-central-1:123456789012:model-package/${GROUP}/*`]] },
          },
        ]),
      },
    });
    const sagemakerActions = JSON.stringify(template.findResources('AWS::IAM::Policy')).match(/"sagemaker:[A-Za-z]+"/g);
    expect([...new Set(sagemakerActions)].sort()).toEqual(['"sagemaker:DescribeModelPackage"', '"sagemaker:ListModelPackages"']);
  });

  test('grantReadArchive lets the grantee read the one resolved object, nothing else of its bucket', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Grantee') }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 's3:GetObject',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', attribute('artifactBucket'), '/', attribute('artifactKey')]] },
        }]),
      },
    });
  });

  test('its image pulls from the resolved repository only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Grantee') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: attribute('imageRepositoryArn') }),
        ]),
      },
    });
  });

  test('the resolver runs on a supported Node.js with the custom resource\'s handler', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', Runtime: 'nodejs24.x' });
  });
});

describe('RegisteredModel of a numbered version', () => {
  const { template } = build({ groupName: GROUP, version: 3 });

  test('asks for that version, and takes no refresh parameter: a version\'s archive and image do not change', () => {
    template.hasResourceProperties('Custom::ModelPackageVersion', { GroupName: GROUP, Version: '3', Refresh: Match.absent() });
    expect(template.toJSON().Parameters?.[MODEL_PACKAGE_REFRESH_PARAMETER]).toBeUndefined();
  });
});

describe('modelPackageReferenceProblems', () => {
  test.each([
    ['a group name with an underscore', { groupName: 'sentiment_v2', version: 1 }, 'groupName ("sentiment_v2") must be a model package group name: 1-63 letters, digits and hyphens, starting and ending with a letter or digit'],
    ['a group name ending with a hyphen', { groupName: 'sentiment-', version: 1 }, 'groupName ("sentiment-") must be a model package group name'],
    ['a group name of 64 characters', { groupName: 'a'.repeat(64), version: 1 }, `groupName ("${'a'.repeat(64)}") must be a model package group name`],
    ['version 0', { groupName: GROUP, version: 0 }, "version (0) must be a whole number >= 1 (a version of the group) or 'latest-approved' (the newest Approved version)"],
    ['a fractional version', { groupName: GROUP, version: 1.5 }, 'version (1.5) must be a whole number >= 1'],
    ['a version as a string', { groupName: GROUP, version: '3' }, `version ("3") must be a number, not a string: write 3, or 'latest-approved'`],
    ['a misspelt latest-approved', { groupName: GROUP, version: 'latest' }, 'version ("latest") must be a whole number >= 1'],
  ])('rejects %s', (_name, reference, message) => {
    const problems = problemsOf(modelPackageReferenceProblems(reference as ModelPackageReference));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  test.each([[1], [250], ['latest-approved' as const]])('accepts version %p', (version) => {
    expect(problemsOf(modelPackageReferenceProblems({ groupName: GROUP, version }))).toEqual([]);
  });

  test('the construct names the field under modelPackage', () => {
    expect(() => build({ groupName: GROUP, version: 0 })).toThrow(/^modelPackage\.version \(0\) must be a whole number >= 1/);
  });
});
