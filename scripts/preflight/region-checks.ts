import { BatchGetImageCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isError } from './clients';
import { EcrImage } from './image-needs';
import { PreflightResult, fail, pass, warn } from './result';

/**
 * Each AMI parameter the templates resolve at deploy time exists in the region: CloudFormation
 * fails the stack when an `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` parameter's SSM
 * parameter does not (GetParameter: ParameterNotFound). The Deep Learning AMIs publish theirs per
 * region: https://docs.aws.amazon.com/dlami/latest/devguide/find-dlami-id.html
 */
export async function amiParameterChecks(ssm: SSMClient, parameters: readonly string[], region: string): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [];
  for (const name of parameters) {
    const check = `AMI parameter ${name}`;
    try {
      const { Parameter: parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
      results.push(pass(check, `resolves to ${parameter?.Value} in ${region}`));
    } catch (error) {
      if (!isError(error, 'ParameterNotFound')) throw error;
      results.push(fail(check, `does not exist in ${region}: the AMI is not published there, and every stack that launches it fails`, 'deploy to a region that publishes the Deep Learning AMI, or choose another AMI in lib/gpu/deep-learning-ami.ts'));
    }
  }
  return results;
}

/**
 * Each ECR image the stacks pull exists in its registry: BatchGetImage returns it, or lists it
 * under `failures` with ImageNotFound; a missing repository is RepositoryNotFoundException
 * (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html). An AWS Deep
 * Learning Containers registry lets every account pull; credentials denied the call cannot tell.
 */
export async function imageChecks(ecrFor: (region: string) => ECRClient, images: readonly EcrImage[]): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [];
  for (const image of images) {
    const check = `image ${image.uri}`;
    const fix = `publish ${image.repositoryName}:${image.tag ?? image.digest} in registry ${image.registryId} of ${image.region}, or set the service's inference.<service>.model.image to an image that exists there`;
    try {
      const response = await ecrFor(image.region).send(new BatchGetImageCommand({
        registryId: image.registryId,
        repositoryName: image.repositoryName,
        imageIds: [image.tag ? { imageTag: image.tag } : { imageDigest: image.digest }],
      }));
      if ((response.images ?? []).length > 0) {
        results.push(pass(check, `exists in registry ${image.registryId} of ${image.region}`));
      } else {
        const failure = response.failures?.[0];
        results.push(fail(check, `not in registry ${image.registryId} of ${image.region} (${failure?.failureCode}: ${failure?.failureReason})`, fix));
      }
    } catch (error) {
      if (isError(error, 'RepositoryNotFoundException')) {
        results.push(fail(check, `registry ${image.registryId} of ${image.region} has no repository ${image.repositoryName}`, fix));
      } else if (isError(error, 'AccessDeniedException')) {
        results.push(warn(check, `these credentials may not read registry ${image.registryId} (${(error as Error).message}): the instances' role may still pull it`));
      } else {
        throw error;
      }
    }
  }
  return results;
}
