import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CdkCustomResourceEvent, CdkCustomResourceResponse } from 'aws-lambda';
import { MODEL_PACKAGE_ATTRIBUTES, ModelPackageProperties } from './contract';
import { resolveModelPackage } from './resolve';

/**
 * The onEvent handler of the model package custom resource (CDK's provider framework sends
 * CloudFormation the response): Create and Update resolve the version the properties name and
 * return it as the resource's attributes, its ARN as the physical id, so a new version is a new
 * resource; Delete does nothing, since nothing was created. A version that cannot be served
 * fails the deploy with the resolver's message.
 */

/** Attempts per AWS call, including the first; the SDK backs off between them. */
export const MAX_ATTEMPTS = 5;

export const sagemaker = new SageMakerClient({ maxAttempts: MAX_ATTEMPTS, retryMode: 'standard' });

export async function handler(event: CdkCustomResourceEvent<ModelPackageProperties>): Promise<CdkCustomResourceResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const { GroupName, Version } = event.ResourceProperties;
  const resolved = await resolveModelPackage(sagemaker, { groupName: GroupName, version: Version });
  console.log(JSON.stringify({ requestType: event.RequestType, groupName: GroupName, requested: Version, resolved }));
  const data = Object.fromEntries(Object.entries(MODEL_PACKAGE_ATTRIBUTES).map(([field, attribute]) => [attribute, resolved[field as keyof typeof resolved]]));
  return { PhysicalResourceId: resolved.modelPackageArn, Data: data };
}
