// Worker-thread entry of the walk-forward fits (piscina): one FitTask in, its FitResult out.
import { fitModel, type FitResult, type FitTask } from './fit.ts';

export default function fit(task: FitTask): Promise<FitResult> {
  return fitModel(task);
}
