import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { TrainContext } from './context';

const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[a-f0-9]{64}))$/;

/**
 * Throws, saying how to fix it, when a run's image could not be pulled: the nodes' role and
 * SageMaker's execution role pull only the stack's default training image and the teams'
 * repository (`sageMaker.trainingImageRepositoryName`) of the stack's region, and an image not
 * pushed there yet fails every node's start.
 */
export async function checkImage(context: TrainContext, image: string, defaultImage: string): Promise<void> {
  if (image === defaultImage) return;
  const repository = context.config.sageMaker.trainingImageRepositoryName;
  const match = ECR_IMAGE.exec(image);
  if (!match || match[3] !== repository || match[2] !== context.region) {
    throw new Error(`--image ${image} cannot be pulled by the training roles: they pull the default image and the ECR repository ${repository} in ${context.region} only; push the image there`);
  }
  const [, registryId, , repositoryName, imageTag, imageDigest] = match;
  try {
    await context.clients.ecr.send(new DescribeImagesCommand({ registryId, repositoryName, imageIds: [imageTag ? { imageTag } : { imageDigest }] }));
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ImageNotFoundException') throw new Error(`--image ${image} is not in ${repositoryName}: push it first (docker push ${image})`, { cause: error });
    if (name === 'RepositoryNotFoundException') {
      throw new Error(`the repository ${repositoryName} does not exist in ${registryId}: create it (aws ecr create-repository --repository-name ${repositoryName}) and push ${image}`, { cause: error });
    }
    throw error;
  }
}
