import { ArnFormat, Aws, CfnCondition, Fn, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeWildcards, managedPolicyFinding, resourceFinding } from '../../../lib/constructs/training/nag-findings';
import { NagSynthResult } from '../../helpers/nag';
import { bareStack, synthWithPack } from '../../helpers/nag-rule';

/** IAM5 findings AwsSolutionsChecks reports on the role's default policy. */
function iam5Findings(result: NagSynthResult): string[] {
  return result.findings
    .filter((f) => f.ruleName.startsWith('AwsSolutions-IAM5[') && f.constructPath === 'Fixtures/Role/DefaultPolicy/Resource')
    .map((f) => f.ruleName);
}

describe('resourceFinding', () => {
  test('names a bucket prefix the way cdk-nag flattens it', () => {
    const { stack } = bareStack();
    const bucket = new s3.Bucket(stack, 'Models');
    expect(resourceFinding(stack, bucket.arnForObjects('models/*'))).toMatch(/^Resource::<Models[0-9A-F]{8}\.Arn>\/models\/\*$/);
  });

  test('is the finding AwsSolutionsChecks reports for the same resource', () => {
    const { app, stack } = bareStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const arn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [arn] }));
    const finding = resourceFinding(role, arn);
    const result = synthWithPack(app, new AwsSolutionsChecks(app));
    expect(iam5Findings(result)).toEqual([`AwsSolutions-IAM5[${finding}]`]);
  });

  test('acknowledged on the role, removes exactly that finding from the report', () => {
    const { app, stack } = bareStack();
    const bucket = new s3.Bucket(stack, 'Models');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('models/*'), bucket.arnForObjects('drafts/*')] }));
    acknowledgeWildcards(role, [resourceFinding(role, bucket.arnForObjects('models/*'))], 'Models are read by name and version.');
    expect(iam5Findings(synthWithPack(app, new AwsSolutionsChecks(app)))).toEqual([`AwsSolutions-IAM5[${resourceFinding(role, bucket.arnForObjects('drafts/*'))}]`]);
  });

  test('throws on a resource without a wildcard: there is nothing to acknowledge', () => {
    const { stack } = bareStack();
    const bucket = new s3.Bucket(stack, 'Models');
    expect(() => resourceFinding(stack, bucket.arnForObjects('models/model.tar.gz'))).toThrow(/has no wildcard, so AwsSolutions-IAM5 reports nothing to acknowledge/);
  });
});

describe('managedPolicyFinding', () => {
  test('is the finding AwsSolutionsChecks reports for the same AWS managed policy, even a conditional one', () => {
    const { app, stack } = bareStack();
    const condition = new CfnCondition(stack, 'InAws', { expression: Fn.conditionEquals(Aws.PARTITION, 'aws') });
    const arn = Token.asString(Fn.conditionIf(condition.logicalId, iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess').managedPolicyArn, Aws.NO_VALUE));
    new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: {}, managedPolicyArns: [arn] });
    const finding = managedPolicyFinding(stack, arn);
    const iam4 = synthWithPack(app, new AwsSolutionsChecks(app)).findings.filter((f) => f.ruleName.startsWith('AwsSolutions-IAM4[')).map((f) => f.ruleName);
    expect(iam4).toEqual([`AwsSolutions-IAM4[${finding}]`]);
  });

  test('throws on a customer managed policy: there is nothing to acknowledge', () => {
    const { stack } = bareStack();
    const policy = new iam.ManagedPolicy(stack, 'Policy', { statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })] });
    expect(() => managedPolicyFinding(stack, policy.managedPolicyArn)).toThrow(/is not an AWS managed policy, so AwsSolutions-IAM4 reports nothing to acknowledge/);
  });
});
