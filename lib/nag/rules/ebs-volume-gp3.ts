import { CfnResource } from 'aws-cdk-lib';
import { CfnLaunchConfiguration } from 'aws-cdk-lib/aws-autoscaling';
import { CfnInstance, CfnLaunchTemplate, CfnVolume } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance, NagRuleResult } from 'cdk-nag';
import { resolved } from '../resource-lookup';

/** Volume types with a cheaper, faster current-generation replacement (gp3, io2). */
const SUPERSEDED_VOLUME_TYPES = ['gp2', 'io1', 'standard'];

interface BlockDeviceMapping {
  readonly deviceName?: unknown;
  readonly ebs?: { readonly volumeType?: unknown };
}

/** An unset volume type is gp2, EC2's default. */
function volumeTypeOf(volumeType: unknown): unknown {
  return volumeType ?? 'gp2';
}

function mappingsOf(node: CfnResource): BlockDeviceMapping[] | undefined {
  if (node instanceof CfnLaunchTemplate) {
    return resolved<{ blockDeviceMappings?: BlockDeviceMapping[] } | undefined>(node, node.launchTemplateData)?.blockDeviceMappings ?? [];
  }
  if (node instanceof CfnLaunchConfiguration || node instanceof CfnInstance) {
    return resolved<BlockDeviceMapping[] | undefined>(node, node.blockDeviceMappings) ?? [];
  }
  return undefined;
}

/**
 * EBS volumes are gp3 (io2, st1 and sc1 are fine too), never gp2, io1 or magnetic: gp3 costs
 * 20 % less than gp2 at a higher baseline. An unset type counts as gp2, EC2's default. Checks
 * volumes and the block device mappings of launch templates, launch configurations and
 * instances. Findings name the volume type, prefixed with the device in a mapping, e.g.
 * `GpuCost-EbsVolumeGp3[/dev/xvda:gp2]`.
 */
export function EbsVolumeGp3(node: CfnResource): NagRuleResult {
  if (node instanceof CfnVolume) {
    const type = volumeTypeOf(resolved(node, node.volumeType));
    return SUPERSEDED_VOLUME_TYPES.includes(String(type)) ? [String(type)] : NagRuleCompliance.COMPLIANT;
  }
  const mappings = mappingsOf(node);
  if (mappings === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const findings = mappings
    .filter((m) => m.ebs !== undefined && SUPERSEDED_VOLUME_TYPES.includes(String(volumeTypeOf(m.ebs.volumeType))))
    .map((m) => `${String(m.deviceName)}:${String(volumeTypeOf(m.ebs?.volumeType))}`);
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
