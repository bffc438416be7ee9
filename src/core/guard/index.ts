export { specificity, memoryText, wordCount, SPECIFICITY_WEIGHTS, KNOWN_PROJECTS, type Specificity, type SpecificityCounts } from './specificity';
export { scrub, scrubFields } from './scrub';
export { shouldWarn, WARN_THRESHOLD, type GuardedMemory } from './warn';
