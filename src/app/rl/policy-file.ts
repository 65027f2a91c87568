// Policy files (`sextant-rl-policy/1`): the PPO checkpoint, the observation and action specs rl-agent needs to
// act exactly as in training, and metadata that traces the policy to its training (data and its SHA-256, the
// reward, the env and its costs, PPO settings, library versions, the learning curve). Read back through the
// same loader as `--param policy=<file>`, so a bad file names its field the same way.
import { ConfigError } from '../../core/errors.ts';
import type { PolicyCheckpoint } from '../../ml/rl/actor-critic.ts';
import { FileParamError } from '../../strategies/file-params.ts';
import { POLICY_FILE_FORMAT, policyFromJson, type LoadedPolicy, type PolicyFile } from '../../strategies/builtin/rl-agent-policy.ts';
import { readJsonFile } from '../strategy-file-params.ts';
import type { EnvSettings } from './settings.ts';

export function buildPolicyFile(checkpoint: PolicyCheckpoint, env: EnvSettings, metadata: Record<string, unknown>): PolicyFile {
  return {
    format: POLICY_FILE_FORMAT,
    policy: checkpoint,
    observation: { features: { logReturns: env.window }, account: true },
    action: { kind: env.actions, maxWeight: env.maxWeight, rebalanceBand: env.rebalanceBand, multiplier: env.instrument.multiplier },
    metadata,
  };
}

/** Reads a policy file for a flag (`--policy`); ConfigError naming the file, and the field inside it. */
export function readPolicy(path: string, flag = '--policy'): LoadedPolicy {
  const json = readJsonFile(path, flag);
  try {
    return policyFromJson(json, path);
  } catch (e) {
    if (e instanceof FileParamError) throw new ConfigError(`not a usable policy file: ${e.message}`, { file: path, field: e.field ?? flag });
    throw e;
  }
}
