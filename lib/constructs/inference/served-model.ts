import * as iam from 'aws-cdk-lib/aws-iam';
import { InferenceImage } from './inference-image';
import { ModelBucket, modelArchiveKey } from './model-bucket';

/**
 * The model a fleet's instances serve, as they fetch it: an archive of the model bucket named in
 * the config ({@link archiveServedModel}), or a SageMaker Model Registry version resolved at
 * deploy (`RegisteredModel`).
 */
export interface ServedModel {
  /** The model's name: the cache directory and the service's log group (a registered model's group name). */
  readonly name: string;
  /** The version: one cache directory each, and a new one rolls the fleet (a registered model's version number, known at deploy). */
  readonly version: string;
  /** `s3://<bucket>/<key>` of the model.tar.gz the instances download. */
  readonly archiveUrl: string;
  /** The serving image. */
  readonly image: InferenceImage;
  /** The model as outputs and messages name it. */
  readonly description: string;
  /** Lets `grantee` download the archive. */
  grantReadArchive(grantee: iam.IGrantable): void;
}

/** An archive `models/{name}/{version}/model.tar.gz` of `bucket`, served with `image`. */
export function archiveServedModel(model: { readonly name: string; readonly version: string; readonly image: InferenceImage }, bucket: ModelBucket): ServedModel {
  const key = modelArchiveKey(model);
  return {
    name: model.name,
    version: model.version,
    archiveUrl: `s3://${bucket.bucket.bucketName}/${key}`,
    image: model.image,
    description: key,
    grantReadArchive: (grantee) => {
      bucket.grantReadModels(grantee);
    },
  };
}
