// CartPole-v1 as in Gymnasium (classic_control/cartpole.py): a pole on a cart pushed left or right by a
// force of 10 N, Euler integration every 0.02 s, reward 1 per step (the terminating step included),
// terminated when |x| > 2.4 or |theta| > 12 degrees, truncated after 500 steps. The start state is
// uniform in [-0.05, 0.05]^4 from the env's seeded stream. Observation: x, x', theta, theta'.
import { Rng } from '../../core/rng.ts';
import type { Env, StepResult } from './env.ts';
import { discrete } from './spaces.ts';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_CART + MASS_POLE;
const HALF_LENGTH = 0.5;
const POLE_MASS_LENGTH = MASS_POLE * HALF_LENGTH;
const FORCE = 10.0;
const TAU = 0.02;
const THETA_LIMIT = (12 * 2 * Math.PI) / 360;
const X_LIMIT = 2.4;

export class CartPole implements Env {
  readonly observationSize = 4;
  readonly actionSpace = discrete(2);
  readonly maxSteps: number;
  #rng: Rng;
  #x = 0;
  #xDot = 0;
  #theta = 0;
  #thetaDot = 0;
  #steps = 0;
  #over = true;

  constructor(opts: { seed?: number; maxSteps?: number } = {}) {
    this.#rng = new Rng(opts.seed ?? 0);
    this.maxSteps = opts.maxSteps ?? 500;
  }

  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.#rng = new Rng(seed);
    const u = (): number => this.#rng.next() * 0.1 - 0.05;
    this.#x = u();
    this.#xDot = u();
    this.#theta = u();
    this.#thetaDot = u();
    this.#steps = 0;
    this.#over = false;
    return this.#obs();
  }

  /** Puts the cart in a given state (x, x', theta, theta') and starts the step count again (tests, demonstrations). */
  setState(state: ArrayLike<number>): void {
    this.#x = state[0]!;
    this.#xDot = state[1]!;
    this.#theta = state[2]!;
    this.#thetaDot = state[3]!;
    this.#steps = 0;
    this.#over = false;
  }

  step(action: number | Float64Array): StepResult {
    if (this.#over) throw new RangeError('CartPole.step after the episode ended: call reset()');
    const a = typeof action === 'number' ? action : action[0]!;
    const force = a === 1 ? FORCE : -FORCE;
    const cos = Math.cos(this.#theta);
    const sin = Math.sin(this.#theta);
    const temp = (force + POLE_MASS_LENGTH * this.#thetaDot * this.#thetaDot * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - (MASS_POLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    // Euler: positions move with the old velocities.
    this.#x += TAU * this.#xDot;
    this.#xDot += TAU * xAcc;
    this.#theta += TAU * this.#thetaDot;
    this.#thetaDot += TAU * thetaAcc;
    this.#steps++;
    const terminated = this.#x < -X_LIMIT || this.#x > X_LIMIT || this.#theta < -THETA_LIMIT || this.#theta > THETA_LIMIT;
    const truncated = !terminated && this.#steps >= this.maxSteps;
    this.#over = terminated || truncated;
    return { observation: this.#obs(), reward: 1, done: this.#over, truncated };
  }

  #obs(): Float64Array {
    return Float64Array.of(this.#x, this.#xDot, this.#theta, this.#thetaDot);
  }
}
