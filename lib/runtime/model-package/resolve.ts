import {
  DescribeModelPackageCommand, DescribeModelPackageCommandOutput, ListModelPackagesCommand, ModelPackageContainerDefinition, ModelPackageSummary,
  SageMakerClient, paginateListModelPackages,
} from '@aws-sdk/client-sagemaker';
import { LATEST_APPROVED, ResolvedModelPackage } from './contract';

/**
 * Resolves a SageMaker Model Registry version (a model package of a model package group) to what
 * the fleet and the endpoint serve: its model archive and its serving image, read from its
 * inference specification (`InferenceSpecification.Containers[0]`).
 *
 * The calls, as the API reference documents them:
 * - ListModelPackages (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ListModelPackages.html):
 *   ModelPackageType defaults to Unversioned, which leaves out every version of a group, so the
 *   calls ask for Versioned; SortBy defaults to CreationTime and SortOrder to Ascending, so the
 *   latest approved version is the first of CreationTime Descending, filtered by
 *   ModelApprovalStatus Approved; MaxResults is 1 to 100, and NextToken pages through the rest.
 *   Its summaries hold no model data or image.
 * - DescribeModelPackage (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html):
 *   the version's ModelPackageStatus (only Completed is usable), ModelApprovalStatus and
 *   InferenceSpecification.Containers, each with an ECR Image and its model data as ModelDataUrl
 *   or ModelDataSource.S3DataSource (an S3Object compressed with Gzip is one model.tar.gz).
 */

/** What to resolve, as the custom resource's properties carry it (CloudFormation passes strings). */
export interface ModelPackageRequest {
  /** The model package group. */
  readonly groupName: string;
  /** A version number (`"3"`), or `latest-approved`. */
  readonly version: string;
}

/** A model package that cannot be served, with what to do about it; the deploy fails with its message. */
export class ModelPackageError extends Error {
  public override readonly name = 'ModelPackageError';
}

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$/;
const S3_OBJECT = /^s3:\/\/([^/]+)\/(.*[^/])$/;
const PARTITION = /^arn:(aws[a-z-]*):/;

/** How to approve a version, for messages. */
function approveCommand(arn: string): string {
  return `aws sagemaker update-model-package --model-package-arn ${arn} --model-approval-status Approved`;
}

async function latestApproved(client: SageMakerClient, groupName: string): Promise<ModelPackageSummary> {
  const page = await client.send(new ListModelPackagesCommand({
    ModelPackageGroupName: groupName,
    ModelPackageType: 'Versioned',
    ModelApprovalStatus: 'Approved',
    SortBy: 'CreationTime',
    SortOrder: 'Descending',
    MaxResults: 1,
  }));
  const [latest] = page.ModelPackageSummaryList ?? [];
  if (latest === undefined) {
    throw new ModelPackageError(`model package group ${groupName} has no Approved version (or no such group in this account and region): `
      + `approve one (${approveCommand('<its ARN>')}), or serve a version by number`);
  }
  return latest;
}

async function versionNumbered(client: SageMakerClient, groupName: string, version: number): Promise<ModelPackageSummary> {
  const seen: number[] = [];
  const pages = paginateListModelPackages({ client, pageSize: 100 }, { ModelPackageGroupName: groupName, ModelPackageType: 'Versioned', SortBy: 'CreationTime', SortOrder: 'Descending' });
  for await (const page of pages) {
    for (const summary of page.ModelPackageSummaryList ?? []) {
      if (summary.ModelPackageVersion === version) return summary;
      if (summary.ModelPackageVersion !== undefined) seen.push(summary.ModelPackageVersion);
    }
  }
  const has = seen.length === 0 ? 'no version (or there is no such group in this account and region)' : `versions ${seen.sort((a, b) => a - b).join(', ')}`;
  throw new ModelPackageError(`model package group ${groupName} has no version ${version}: it has ${has}`);
}

/** The one container's model archive, as an S3 object URL. */
function modelDataUrlOf(container: ModelPackageContainerDefinition, arn: string): string {
  if (container.ModelDataUrl) return container.ModelDataUrl;
  const source = container.ModelDataSource?.S3DataSource;
  if (source?.S3DataType === 'S3Object' && source.CompressionType === 'Gzip' && source.S3Uri) return source.S3Uri;
  const what = source ? `${source.S3DataType} ${source.S3Uri} (CompressionType ${source.CompressionType})` : 'none';
  throw new ModelPackageError(`model package ${arn} has no model archive: its container's model data is ${what}; `
    + 'the fleet downloads one model.tar.gz: register the version with ModelDataUrl s3://<bucket>/<key>.tar.gz');
}

/** The described version, checked servable: Completed, one container with an ECR image and a model archive. */
function servable(described: DescribeModelPackageCommandOutput, version: string): ResolvedModelPackage {
  const arn = described.ModelPackageArn ?? '';
  if (described.ModelPackageStatus !== 'Completed') {
    throw new ModelPackageError(`model package ${arn} is ${described.ModelPackageStatus}, not Completed: wait for it, or serve another version`);
  }
  const containers = described.InferenceSpecification?.Containers ?? [];
  if (containers.length !== 1) {
    throw new ModelPackageError(`model package ${arn} has ${containers.length === 0 ? 'no inference specification' : `${containers.length} containers`}: `
      + 'the fleet runs one serving container; give the version one (aws sagemaker update-model-package --inference-specification, docs/registered-models.md)');
  }
  const [container] = containers;
  const modelDataUrl = modelDataUrlOf(container, arn);
  const object = S3_OBJECT.exec(modelDataUrl);
  if (!object) throw new ModelPackageError(`model package ${arn} has model data ${modelDataUrl}: it must be one S3 object, s3://<bucket>/<key>`);
  const image = ECR_IMAGE.exec(container.Image ?? '');
  if (!image) throw new ModelPackageError(`model package ${arn} has image ${container.Image}: it must be a private ECR image, <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]`);
  const partition = PARTITION.exec(arn)?.[1] ?? 'aws';
  const [, account, region, repositoryName] = image;
  return {
    modelPackageArn: arn,
    version,
    modelDataUrl,
    artifactBucket: object[1],
    artifactKey: object[2],
    image: image[0],
    imageRepositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${repositoryName}`,
    imageRepositoryName: repositoryName,
  };
}

/**
 * The version `request` names, resolved: `latest-approved` is the newest Approved version of the
 * group; a number is that version, which must be Approved too (approval is the registry's gate to
 * serving). Throws a ModelPackageError naming the fix when the version cannot be served.
 */
export async function resolveModelPackage(client: SageMakerClient, request: ModelPackageRequest): Promise<ResolvedModelPackage> {
  const summary = request.version === LATEST_APPROVED
    ? await latestApproved(client, request.groupName)
    : await versionNumbered(client, request.groupName, Number(request.version));
  const described = await client.send(new DescribeModelPackageCommand({ ModelPackageName: summary.ModelPackageArn }));
  if (described.ModelApprovalStatus !== 'Approved') {
    throw new ModelPackageError(`model package ${described.ModelPackageArn} is ${described.ModelApprovalStatus ?? 'not approved'}: `
      + `approve it (${approveCommand(described.ModelPackageArn ?? '')}), or serve another version`);
  }
  return servable(described, String(described.ModelPackageVersion ?? summary.ModelPackageVersion));
}
