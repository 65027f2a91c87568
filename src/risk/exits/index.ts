// Exit attachments: validation and price levels (the simulated venue places the orders).
export { exitLevels, exitPricesProblem, exitsProblem, tighterStop, validateExits, type ExitLevels, type ExitProblem } from './levels.ts';
