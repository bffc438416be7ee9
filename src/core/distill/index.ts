export { toTrajectoryMemory, toWorkflowMemory, toSummaryMemory, distillRules, keySteps, type RulesPreview } from './levels';
export { mineInsights, findPatterns, type MinedPattern } from './miner';
export { classifyStep, classifySteps, STEP_KINDS, type ClassifiedStep, type StepKind } from './classify';
export { buildPrompt, LLM_LEVELS, PROMPT_VERSIONS, type LlmLevel, type PromptOptions } from './prompts';
export {
  parseAnswer,
  AnswerParseError,
  type InsightAnswer,
  type WorkflowAnswer,
  type SummaryAnswer,
  type ParsedAnswers,
} from './answers';
export { memoriesFromAnswer, insightMemories, workflowMemory, summaryMemory, type AnswerMeta } from './from-answer';
export {
  createOpenAIEngine,
  distillWithEngine,
  chatCompletionsUrl,
  EngineError,
  type DistillEngine,
  type DistillResult,
  type EngineErrorKind,
  type OpenAIEngineOptions,
} from './engine';
export { renderTrajectory } from './render';
