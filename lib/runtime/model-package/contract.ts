/**
 * What the model package custom resource takes and returns, shared by its construct
 * (RegisteredModel) and its Lambda handler. No SDK import: the construct loads it at synth.
 */

/** The version that means "the newest version whose approval status is Approved". */
export const LATEST_APPROVED = 'latest-approved';

/** The custom resource's properties (CloudFormation passes every value as a string). */
export interface ModelPackageProperties {
  /** The model package group's name. */
  readonly GroupName: string;
  /** A version number (`"3"`), or `latest-approved`. */
  readonly Version: string;
  /** Any new value makes CloudFormation update the resource, and so resolve `latest-approved` again. */
  readonly Refresh?: string;
}

/** A resolved model package version: what the custom resource returns. */
export interface ResolvedModelPackage {
  /** The version's ARN, `arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`. */
  readonly modelPackageArn: string;
  /** The version number. */
  readonly version: string;
  /** `s3://<bucket>/<key>` of the model archive (model.tar.gz). */
  readonly modelDataUrl: string;
  /** The archive's bucket. */
  readonly artifactBucket: string;
  /** The archive's key. */
  readonly artifactKey: string;
  /** The serving image, as the package names it. */
  readonly image: string;
  /** The image's ECR repository ARN. */
  readonly imageRepositoryArn: string;
  /** The image's ECR repository name. */
  readonly imageRepositoryName: string;
}

/** The custom resource's attribute (`Fn::GetAtt`) of each value of a resolved version. */
export const MODEL_PACKAGE_ATTRIBUTES: { readonly [K in keyof ResolvedModelPackage]: string } = {
  modelPackageArn: 'ModelPackageArn',
  version: 'Version',
  modelDataUrl: 'ModelDataUrl',
  artifactBucket: 'ArtifactBucket',
  artifactKey: 'ArtifactKey',
  image: 'Image',
  imageRepositoryArn: 'ImageRepositoryArn',
  imageRepositoryName: 'ImageRepositoryName',
};
