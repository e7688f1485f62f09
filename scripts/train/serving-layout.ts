/**
 * The layout of `model.tar.gz` the default serving image loads: the PyTorch Deep Learning
 * Container for SageMaker, whose inference toolkit takes the model files at the archive's root
 * and the handler (model_fn, input_fn, predict_fn, output_fn) at `code/inference.py`, with an
 * optional `code/requirements.txt` ("Model Directory Structure",
 * https://sagemaker.readthedocs.io/en/stable/frameworks/pytorch/using_pytorch.html#model-directory-structure).
 * A training run's /opt/ml/model holds the model files; publishing adds the handler under
 * `code/`, as the SageMaker Python SDK's PyTorchModel repackaging does.
 */

/** The handler the serving image's inference toolkit loads. */
export const SERVING_HANDLER = 'code/inference.py';

/** What is wrong with an archive holding `files` (paths relative to its root), or undefined. */
export function servingLayoutProblem(files: readonly string[]): string | undefined {
  const normalized = files.map((file) => file.replace(/^\.\//, ''));
  if (!normalized.includes(SERVING_HANDLER)) {
    return `it has no ${SERVING_HANDLER}: pass the directory of the handler with --inference-code <dir> (it must hold inference.py), or write it to $SM_MODEL_DIR/code/ in training`;
  }
  if (!normalized.some((file) => !file.startsWith('code/'))) {
    return 'it has no model file outside code/: the run wrote nothing to $SM_MODEL_DIR';
  }
  return undefined;
}
