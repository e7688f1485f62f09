import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';

interface TemplateJson {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: { readonly MinSize?: unknown } }>;
  readonly Outputs?: Record<string, { readonly Value?: unknown }>;
}

/**
 * The MinSize the deployed template of `stackName` gives the Auto Scaling group its output
 * `outputKey` names (`{ "Ref": <group> }`): what the fleet keeps whatever the queue, as the
 * config made it (0 while the model is unpublished or under a night schedule). Reads the
 * template CloudFormation holds (GetTemplate), so it is the deployed one, not a local synth.
 */
export async function templateMinSize(cloudFormation: CloudFormationClient, stackName: string, outputKey: string): Promise<number> {
  const { TemplateBody: body } = await cloudFormation.send(new GetTemplateCommand({ StackName: stackName }));
  const template = JSON.parse(body ?? '{}') as TemplateJson;
  const ref = (template.Outputs?.[outputKey]?.Value as { Ref?: unknown } | undefined)?.Ref;
  const group = typeof ref === 'string' ? template.Resources?.[ref] : undefined;
  const minSize = Number(group?.Properties?.MinSize);
  if (group?.Type !== 'AWS::AutoScaling::AutoScalingGroup' || !Number.isInteger(minSize)) {
    throw new Error(`the deployed template of ${stackName} has no Auto Scaling group with a MinSize behind its output ${outputKey}: deploy the current version of the app`);
  }
  return minSize;
}
