import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isError } from './clients';
import { PreflightResult, fail, pass } from './result';

/** What the synthesized stacks ask of the CDK bootstrap stack. */
export interface BootstrapNeed {
  /** The SSM parameter holding the bootstrap stack's version: `/cdk-bootstrap/<qualifier>/version`. */
  readonly parameter: string;
  /** The highest version any stack, asset manifest or lookup role of the environment requires. */
  readonly version: number;
  /** The qualifier the app is synthesized with (gitops.bootstrapQualifier). */
  readonly qualifier: string;
}

/**
 * The CDK bootstrap stack of the app's qualifier exists and is new enough: `cdk deploy` reads the
 * version from `/cdk-bootstrap/<qualifier>/version` and refuses an older one
 * (https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html).
 */
export async function bootstrapCheck(ssm: SSMClient, need: BootstrapNeed, account: string, region: string): Promise<PreflightResult[]> {
  const check = `CDK bootstrap (qualifier ${need.qualifier})`;
  const fix = `npx cdk bootstrap aws://${account}/${region} --qualifier ${need.qualifier} (administrator credentials)`;
  try {
    const { Parameter: parameter } = await ssm.send(new GetParameterCommand({ Name: need.parameter }));
    const version = Number(parameter?.Value);
    return version >= need.version
      ? [pass(check, `version ${version} (${need.parameter}), the app needs ${need.version}`)]
      : [fail(check, `version ${version} (${need.parameter}), the app needs ${need.version}: upgrade the bootstrap stack`, fix)];
  } catch (error) {
    if (!isError(error, 'ParameterNotFound')) throw error;
    return [fail(check, `${account} is not bootstrapped in ${region} with that qualifier (${need.parameter} does not exist)`, fix)];
  }
}
