import { App, Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { auditExemptions } from '../../lib/compliance/exemption-audit';
import { ENVIRONMENTS } from '../../lib/config';
import { AccessLogsBucket } from '../../lib/constructs/inference/access-logs-bucket';
import { InferenceService } from '../../lib/constructs/inference/inference-service';
import { ModelBucket } from '../../lib/constructs/inference/model-bucket';
import { ModelCache } from '../../lib/constructs/inference/model-cache';
import { EnvironmentNetwork } from '../../lib/constructs/network/environment-network';
import { LogsEncryptionKey } from '../../lib/constructs/security/logs-encryption-key';
import { AiInferenceSettings, aiInferenceSettingsOf } from '../../lib/stacks/ai-inference-stack';
import { NetworkStack } from '../../lib/stacks/network-stack';
import { cdkJsonContext } from '../../scripts/nag-acknowledgements';
import { synthWithControlTower } from '../helpers/control-tower';

/** AiInferenceStack's shape with two models: the shared bucket and cache, and one InferenceService per model. */
class TwoServicesStack extends Stack {
  public readonly services: InferenceService[];

  constructor(scope: Construct, id: string, network: EnvironmentNetwork, settings: AiInferenceSettings) {
    super(scope, id);
    const { removalPolicy, logRetention } = settings;
    const logEncryptionKey = new LogsEncryptionKey(this, 'LogsKey', { removalPolicy }).key;
    const accessLogs = new AccessLogsBucket(this, 'AccessLogs', { expirationDays: logRetention, removalPolicy });
    const modelBucket = new ModelBucket(this, 'Models', { removalPolicy, serverAccessLogsBucket: accessLogs.bucket });
    const modelCache = new ModelCache(this, 'ModelCache', {
      vpc: network.vpc, vpcSubnets: network.privateSubnets, backupRetentionDays: settings.backupRetentionDays, removalPolicy,
    });
    const models = {
      Service: settings.service,
      Second: { ...settings.service, model: { ...settings.service.model, name: `${settings.service.model.name}-second` } },
    };
    this.services = Object.entries(models).map(([serviceId, service]) => new InferenceService(this, serviceId, {
      ...service,
      vpc: network.vpc,
      clientCidr: network.cidr,
      modelBucket,
      modelCache,
      accessLogsBucket: accessLogs.bucket,
      logGroupPrefix: settings.logGroupPrefix,
      logRetention,
      logEncryptionKey,
      removalPolicy,
    }));
  }
}

describe('a stack with two InferenceServices, under the Control Tower controls', () => {
  const config = ENVIRONMENTS[0];
  const app = new App({ context: cdkJsonContext() });
  const stage = new Stage(app, config.name);
  const { network } = new NetworkStack(stage, 'Network', { network: config.network, logRetention: config.logRetention, removalPolicy: config.removalPolicy });
  const stack = new TwoServicesStack(stage, 'AiInference', network, aiInferenceSettingsOf(config));
  const result = synthWithControlTower(app);
  const [first, second] = stack.services.map((service) => auditExemptions(result.report, service));

  test('synthesizes with no open finding', () => {
    expect([result.open, result.error]).toEqual([[], undefined]);
  });

  test('the second service declares the same exemptions as the first', () => {
    expect(second.map((a) => a.exemption.control)).toEqual(first.map((a) => a.exemption.control));
  });

  test('each exemption of either service suppresses exactly one finding, on its own service\'s resource', () => {
    const below = (path: string, constructPath: string): boolean => path === constructPath || path.startsWith(`${constructPath}/`);
    const off = [...first, ...second].filter((a) => a.suppressedPaths.length !== 1 || !below(a.suppressedPaths[0], a.constructPath))
      .map((a) => `${a.exemption.control} at ${a.constructPath}: ${a.suppressedPaths.join(', ')}`);
    expect([first.length > 0, off]).toEqual([true, []]);
  });
});
