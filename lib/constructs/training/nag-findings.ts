import { Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { rules } from 'cdk-nag';
import { IConstruct, RootConstruct } from 'constructs';

/** The action groups `bucket.grantRead` renders, as AwsSolutions-IAM5 findings (`Action::<action>`). */
export const S3_READ_ACTION_FINDINGS: readonly string[] = ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*'];
/** The further action groups `bucket.grantReadWrite` renders. */
export const S3_WRITE_ACTION_FINDINGS: readonly string[] = ['Action::s3:DeleteObject*', 'Action::s3:Abort*'];

const PROBE_ID = 'Policy';
let probeStack: Stack | undefined;

/**
 * A stack outside every app, where cdk-nag's rule reads a probe policy: it synthesizes nothing
 * and, unlike a stack in a new App, creates no output directory.
 */
function probeScope(): Stack {
  probeStack ??= new Stack(new RootConstruct(), 'NagFindingProbe');
  return probeStack;
}

/**
 * The AwsSolutions-IAM5 finding of a policy resource `arn` in `scope`'s stack, exactly as
 * cdk-nag names it: cdk-nag's own rule (`rules.iam.IAMNoWildcardPermissions`) runs on a probe
 * policy, outside the app, whose one statement names only that resource, resolved in `scope`'s
 * stack. Throws when the resource has no wildcard, since there is then nothing to acknowledge.
 */
export function resourceFinding(scope: IConstruct, arn: string): string {
  const resource: unknown = Stack.of(scope).resolve(arn);
  const probe = new CfnPolicy(probeScope(), PROBE_ID, {
    policyName: 'probe',
    policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'probe:Probe', Resource: resource }] },
  });
  try {
    const result = rules.iam.IAMNoWildcardPermissions(probe);
    const finding = Array.isArray(result) ? result.find((f) => f.startsWith('Resource::')) : undefined;
    if (finding === undefined) {
      throw new Error(`resourceFinding: ${JSON.stringify(resource)} has no wildcard, so AwsSolutions-IAM5 reports nothing to acknowledge; drop the acknowledgement`);
    }
    return finding;
  } finally {
    probeScope().node.tryRemoveChild(PROBE_ID);
  }
}

/**
 * The AwsSolutions-IAM4 finding of a managed policy `policyArn` attached to a role in `scope`'s
 * stack, exactly as cdk-nag names it (`Policy::<arn>`): cdk-nag's own rule
 * (`rules.iam.IAMNoManagedPolicies`) runs on a probe role, outside the app, with only that policy.
 */
export function managedPolicyFinding(scope: IConstruct, policyArn: string): string {
  const policy: unknown = Stack.of(scope).resolve(policyArn);
  const probe = new CfnRole(probeScope(), PROBE_ID, { assumeRolePolicyDocument: {}, managedPolicyArns: [Token.asString(policy)] });
  try {
    const result = rules.iam.IAMNoManagedPolicies(probe);
    const finding = Array.isArray(result) ? result.find((f) => f.startsWith('Policy::')) : undefined;
    if (finding === undefined) {
      throw new Error(`managedPolicyFinding: ${JSON.stringify(policy)} is not an AWS managed policy, so AwsSolutions-IAM4 reports nothing to acknowledge; drop the acknowledgement`);
    }
    return finding;
  } finally {
    probeScope().node.tryRemoveChild(PROBE_ID);
  }
}

/** Acknowledges each AwsSolutions-IAM5 finding on `scope` (the narrowest construct: the role) with `reason`. */
export function acknowledgeWildcards(scope: IConstruct, findings: readonly string[], reason: string): void {
  for (const finding of findings) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
