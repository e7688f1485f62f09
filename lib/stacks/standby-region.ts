import { RemovalPolicy } from 'aws-cdk-lib';
import { EnvironmentConfig } from '../config/environment-config';
import { InferenceServiceSettings } from '../constructs/inference/inference-service';
import { AiInferenceSettings, aiInferenceSettingsOf } from './ai-inference-stack';
import { modelReplicaBucketName } from './model-replica';

/**
 * An inference service as the standby Region runs it: the same model, fleet types, queue and
 * scaling, with the fleet at MinSize 0 around the clock (no night schedule, no warm-up window):
 * it costs nothing until jobs reach its own queue, whose wake-up step then starts it. This is
 * AWS's pilot light strategy for the fleet: data replicated, infrastructure deployed, compute
 * "switched off" until failover (https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html).
 */
export function standbyServiceSettings(settings: InferenceServiceSettings): InferenceServiceSettings {
  return { ...settings, fleet: { ...settings.fleet, minCapacity: 0 }, schedule: undefined, warmUpWindows: undefined };
}

/**
 * The inference settings of the environment's standby Region (`secondaryRegion`): every service
 * standing by, and the model bucket that receives the primary's `models/` under its known name,
 * going with its stack (it holds a copy: the primary keeps the models).
 */
export function standbyInferenceSettingsOf(config: EnvironmentConfig, secondaryRegion: string): AiInferenceSettings {
  const primary = aiInferenceSettingsOf(config);
  return {
    ...primary,
    services: Object.fromEntries(Object.entries(primary.services).map(([name, service]) => [name, standbyServiceSettings(service)])),
    modelBucket: { bucketName: modelReplicaBucketName(config.name, secondaryRegion), removalPolicy: RemovalPolicy.DESTROY },
  };
}
