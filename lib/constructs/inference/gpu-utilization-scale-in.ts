/**
 * The names the scale-in had while fleets ran NVIDIA GPU types only, kept for the library's users:
 * `UtilizationScaleIn` scales a GPU fleet in on its GPU utilization as `GpuUtilizationScaleIn` did,
 * and a CPU fleet on its CPU utilization. Prefer the new names in new code.
 */
export {
  UTILIZATION_SCALE_IN_DEFAULTS as GPU_UTILIZATION_SCALE_IN_DEFAULTS,
  UtilizationScaleIn as GpuUtilizationScaleIn,
  utilizationScaleInSettingsProblems as gpuUtilizationScaleInSettingsProblems,
} from './utilization-scale-in';
export type {
  UtilizationScaleInProps as GpuUtilizationScaleInProps,
  UtilizationScaleInSettings as GpuUtilizationScaleInSettings,
} from './utilization-scale-in';
