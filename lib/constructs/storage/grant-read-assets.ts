import * as iam from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';

/**
 * Lets `grantee` download exactly these assets (`s3:GetObject` on their keys, and decrypt where the
 * assets bucket has a key), where `Asset.grantRead` would open the whole assets bucket.
 */
export function grantReadAssetObjects(grantee: iam.IGrantable, assets: readonly Asset[]): iam.Grant {
  for (const asset of assets) asset.bucket.encryptionKey?.grantDecrypt(grantee);
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject'],
    resourceArns: assets.map((asset) => asset.bucket.arnForObjects(asset.s3ObjectKey)),
  });
}
