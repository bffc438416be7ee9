export { parseTrajectory, parseTrajectories, type ParseBatchResult } from './parse';
export { outcomeFromLabel, guessDomain } from './outcome';
export { truncateMiddle, LIMITS as STEP_LIMITS } from './text';
export {
  TRAJECTORY_FORMATS,
  TrajectoryParseError,
  type ParseOptions,
  type OutcomeLabel,
  type Step,
  type Trajectory,
  type TrajectoryFormat,
} from './types';
