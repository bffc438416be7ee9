// Rule-based insight miner: no LLM, always available, the offline default. It looks for procedural patterns in
// the classified steps and emits fixed, task-agnostic wording for each, with the step numbers as evidence.
// The wording never interpolates anything from the trajectory (no file names, commands or identifiers), which is
// what keeps mined insights abstract enough to transfer — and keeps them past the specificity guard.
import type { MemoryInput } from '../memory';
import { PATTERN_CATEGORY } from '../category';
import type { Trajectory } from '../trajectory/types';
import { type ClassifiedStep, classifySteps, isSourceEdit, isVerification } from './classify';

export interface MinedPattern {
  id: string;
  /** Which outcome the pattern teaches from: what worked, or what to do differently. */
  polarity: 'success' | 'failure';
  title: string;
  description: string;
  content: string;
  evidence: number[];
}

type Detector = (cs: ClassifiedStep[], t: Trajectory) => MinedPattern | null;

const idx = (cs: ClassifiedStep[]) => cs.map((c) => c.step.index);
const firstIndex = (cs: ClassifiedStep[], pred: (c: ClassifiedStep) => boolean) => cs.findIndex(pred);
// ES2022 target: no Array.prototype.findLastIndex in the type library.
function lastIndex(cs: ClassifiedStep[], pred: (c: ClassifiedStep) => boolean): number {
  for (let i = cs.length - 1; i >= 0; i--) if (pred(cs[i])) return i;
  return -1;
}
const normalizeCommand = (c: string) => c.replace(/\s+/g, ' ').replace(/\s*[>|].*$/, '').trim();

/** A change checked by running something, or (for shell tasks) by looking at the file it wrote. */
function checksChange(c: ClassifiedStep, edited: Set<string>): boolean {
  return isVerification(c) || (c.kind === 'view' && !!edited.size && [...edited].some((f) => c.command.includes(f.split('/').pop()!)));
}

const reproduceFirst: Detector = (cs) => {
  const firstFix = firstIndex(cs, isSourceEdit);
  if (firstFix < 0) return null;
  const reproRuns = cs.slice(0, firstFix).filter((c) => c.repro && isVerification(c));
  if (!reproRuns.length) return null;
  const created = cs.slice(0, firstFix).filter((c) => c.repro && (c.kind === 'create' || c.kind === 'edit')).slice(0, 1);
  return {
    id: 'reproduce-first',
    polarity: 'success',
    title: 'Reproduce the problem before changing code',
    description: 'Write a small script that triggers the reported behaviour and run it before touching the code.',
    content:
      'A reproduction turns a vague report into a check you can re-run: it confirms you understood the problem, and the same script later proves whether the fix works.',
    evidence: idx([...created, reproRuns[0], cs[firstFix]]),
  };
};

const editCheckLoop: Detector = (cs) => {
  const edited = new Set<string>();
  const cycles: ClassifiedStep[][] = [];
  let pendingEdit: ClassifiedStep | undefined;
  for (const c of cs) {
    if (isSourceEdit(c)) {
      pendingEdit = c;
      if (c.target) edited.add(c.target);
    } else if (pendingEdit && checksChange(c, edited)) {
      cycles.push([pendingEdit, c]);
      pendingEdit = undefined;
    }
  }
  if (!cycles.length) return null;
  const evidence = cycles.slice(0, 4).flatMap(idx);
  if (cycles.length >= 2) {
    return {
      id: 'edit-check-loop',
      polarity: 'success',
      title: 'Work in small edit-and-check cycles',
      description: 'After every change, run the same check again before making the next change.',
      content:
        'Small steps each followed by a run show exactly which change fixed or broke something. Keep iterating until the check passes, instead of stacking several untested edits.',
      evidence,
    };
  }
  return {
    id: 'verify-after-change',
    polarity: 'success',
    title: 'Verify the change by running a check after it',
    description: 'Run a test or the reproduction again once the change is in, and read its output.',
    content: 'A change is only done when something executed after it shows the expected behaviour; reading the diff is not evidence that it works.',
    evidence,
  };
};

const installMissing: Detector = (cs) => {
  for (let i = 0; i < cs.length; i++) {
    if (!cs[i].missingTool) continue;
    const j = cs.findIndex((c, k) => k > i && k <= i + 6 && c.kind === 'install');
    if (j < 0) continue;
    const rerun = cs.findIndex((c, k) => k > j && isVerification(c));
    return {
      id: 'install-missing-tool',
      polarity: 'success',
      title: 'Install a missing tool or package, then re-run',
      description: 'When a command fails because a tool or module is missing, install it and repeat the command.',
      content:
        'A missing dependency is an environment problem, not a reason to change the approach or rewrite code around it. Install what is missing, re-run the same command, and only then judge the result.',
      evidence: idx([cs[i], cs[j], ...(rerun >= 0 ? [cs[rerun]] : [])]),
    };
  }
  return null;
};

const rerunAfterFailure: Detector = (cs) => {
  for (let i = 0; i < cs.length; i++) {
    const a = cs[i];
    if (!isVerification(a) || a.failed !== true) continue;
    const cmd = normalizeCommand(a.command);
    for (let j = i + 1; j < cs.length; j++) {
      const b = cs[j];
      if (!isVerification(b) || normalizeCommand(b.command) !== cmd || b.failed === true) continue;
      const fixes = cs.slice(i + 1, j).filter((c) => c.kind === 'edit' || c.kind === 'install' || c.kind === 'create');
      if (!fixes.length) break;
      return {
        id: 'rerun-after-failure',
        polarity: 'success',
        title: 'Re-run the exact failing command after each fix',
        description: 'Treat a failing run as information: read the error, change one thing, and run the identical command again.',
        content:
          'Re-running the same command makes results comparable, so you can tell whether the last change helped. Stop only when that command passes, not when the change looks right.',
        evidence: idx([a, fixes[fixes.length - 1], b]),
      };
    }
  }
  return null;
};

const SIGNATURE =
  /\bsignatures?\b|\binterfaces?\b|backwards?[- ]compat|public api|existing (callers|behaviou?r|api)|without changing the (api|interface|arguments|parameters)|keep(ing)? the (same )?(arguments|parameters|return type)/i;
const preserveSignature: Detector = (cs) => {
  const edits = cs.filter((c) => isSourceEdit(c) && SIGNATURE.test(c.step.thought ?? ''));
  if (!edits.length) return null;
  return {
    id: 'preserve-signatures',
    polarity: 'success',
    title: 'Preserve existing signatures and interfaces when fixing',
    description: 'Change behaviour inside a function rather than its parameters, return type or public name.',
    content:
      'Callers you have not read depend on the current interface. Keeping it intact keeps the fix small and leaves the rest of the code and its tests working.',
    evidence: idx(edits.slice(0, 3)),
  };
};

const locateBeforeEdit: Detector = (cs) => {
  const firstFix = firstIndex(cs, isSourceEdit);
  if (firstFix < 0) return null;
  const looks = cs.slice(0, firstFix).filter((c) => (c.kind === 'search' || c.kind === 'view') && !c.repro);
  if (looks.length < 2) return null;
  return {
    id: 'locate-before-edit',
    polarity: 'success',
    title: 'Locate the responsible code before editing it',
    description: 'Search for the names mentioned in the report and read the definition before making a targeted change.',
    content:
      'Reading the code that actually produces the behaviour points to the smallest correct change. Editing from a guess tends to patch a symptom in the wrong place.',
    evidence: idx([...looks.slice(0, 3), cs[firstFix]]),
  };
};

const unverifiedSubmit: Detector = (cs, t) => {
  // The end of the attempt: the submission, or — for a failed run stopped by limits — its last step.
  const submit = lastIndex(cs, (c) => c.kind === 'submit');
  const end = submit >= 0 ? submit : t.outcome === 'failure' ? cs.length : -1;
  const lastFix = lastIndex(cs, isSourceEdit);
  if (end < 0 || lastFix < 0 || lastFix > end) return null;
  const edited = new Set(cs.slice(0, lastFix + 1).filter(isSourceEdit).flatMap((c) => (c.target ? [c.target] : [])));
  const after = cs.slice(lastFix + 1, end).filter((c) => checksChange(c, edited));
  const lastCheck = after[after.length - 1];
  if (after.length && lastCheck.failed !== true) return null;
  const how = submit >= 0 ? 'the work was submitted' : 'the run ended';
  return {
    id: 'submit-without-verification',
    polarity: 'failure',
    title: 'Do not finish until a check passes after the last change',
    description: after.length
      ? `The last check after the final change still failed, and ${how} anyway.`
      : `${how[0].toUpperCase()}${how.slice(1)} without running anything after the final change.`,
    content:
      'Before finishing, run the reproduction or the relevant tests once more on the final state and read the result. If it still fails, the task is not done: keep debugging or report the problem honestly.',
    evidence: idx([cs[lastFix], ...(lastCheck ? [lastCheck] : []), ...(submit >= 0 ? [cs[submit]] : [])]),
  };
};

const GAVE_UP = /\b(give up|giving up|unable to (fix|resolve|reproduce|find)|could not (fix|resolve|reproduce)|cannot (fix|resolve|reproduce)|not able to (fix|resolve|reproduce))\b/i;
const repeatedAttempts: Detector = (cs) => {
  // Several edits of the same place with failing checks in between: variations of one idea, not a new approach.
  const byTarget = new Map<string, ClassifiedStep[]>();
  for (const c of cs) if ((c.kind === 'edit' || c.kind === 'create') && c.target) byTarget.set(c.target, [...(byTarget.get(c.target) ?? []), c]);
  const failedChecks = cs.filter((c) => isVerification(c) && c.failed === true);
  const handoffFail = cs.filter((c) => c.kind === 'plan' && /^fail\b/.test(c.command));
  const gaveUp = cs.filter((c) => GAVE_UP.test(c.step.thought ?? ''));
  const latestFirst = [...byTarget.values()].sort((a, b) => b[b.length - 1].step.index - a[a.length - 1].step.index);
  for (const edits of latestFirst) {
    if (edits.length < 3) continue;
    const span = [edits[0].step.index, edits[edits.length - 1].step.index];
    const failing = failedChecks.filter((c) => c.step.index > span[0]);
    if (failing.length < 2 && !handoffFail.length && !gaveUp.length) continue;
    return {
      id: 'repeated-failed-attempts',
      polarity: 'failure',
      title: 'Step back after repeated failed attempts',
      description: 'Several small variations of the same edit kept failing before the agent gave up or submitted.',
      content:
        'When two attempts at the same fix fail, re-read the full error and the surrounding code, or question the diagnosis, before trying again. Repeating near-identical edits rarely converges.',
      evidence: idx([...edits.slice(-3), ...failing.slice(-1), ...handoffFail.slice(0, 1)]).sort((a, b) => a - b),
    };
  }
  if (gaveUp.length || handoffFail.length) {
    const ev = [...gaveUp, ...handoffFail].slice(0, 3);
    return {
      id: 'gave-up',
      polarity: 'failure',
      title: 'When stuck, change the approach instead of stopping',
      description: 'The agent concluded it could not make progress and ended the attempt.',
      content:
        'Before giving up, list what you have ruled out, then try a different angle: a smaller reproduction, reading the code path end to end, or checking assumptions about the environment.',
      evidence: idx(ev).sort((a, b) => a - b),
    };
  }
  return null;
};

const onlyOwnCheck: Detector = (cs) => {
  const checks = cs.filter(isVerification);
  const lastFix = lastIndex(cs, isSourceEdit);
  if (lastFix < 0 || !checks.length || checks.some((c) => c.kind === 'test' && !c.repro)) return null;
  const reproAfter = cs.slice(lastFix + 1).filter((c) => c.repro && isVerification(c) && c.failed !== true);
  if (!reproAfter.length) return null;
  return {
    id: 'only-own-check',
    polarity: 'failure',
    title: 'A passing reproduction is not enough: run the existing tests too',
    description: "The fix was checked only with the agent's own script, and the project's tests were never run.",
    content:
      'Your script covers the case you thought of; the existing tests cover the behaviour others rely on and the cases the hidden evaluation checks. Run the tests closest to the change before submitting.',
    evidence: idx([cs[lastFix], ...reproAfter.slice(0, 2)]),
  };
};

const SUCCESS_DETECTORS = [reproduceFirst, editCheckLoop, rerunAfterFailure, installMissing, preserveSignature, locateBeforeEdit];
const FAILURE_DETECTORS = [unverifiedSubmit, repeatedAttempts, onlyOwnCheck];

/** The patterns found in one trajectory (success patterns for successful runs, failure ones for failed runs, both when unknown). */
export function findPatterns(t: Trajectory): MinedPattern[] {
  const cs = classifySteps(t);
  const detectors =
    t.outcome === 'success' ? SUCCESS_DETECTORS : t.outcome === 'failure' ? FAILURE_DETECTORS : [...FAILURE_DETECTORS, ...SUCCESS_DETECTORS];
  return detectors.map((d) => d(cs, t)).filter((p): p is MinedPattern => p !== null);
}

/**
 * Task-agnostic insight memories mined from one trajectory, `distiller: rules`, evidence = step numbers. The miner
 * knows what each of its lessons is about, so it sets the procedural category (core/category.ts PATTERN_CATEGORY).
 */
export function mineInsights(t: Trajectory): MemoryInput[] {
  return findPatterns(t).map((p) => ({
    level: 'insight',
    title: p.title,
    description: p.description,
    content: p.content,
    domain: t.domain,
    sourceModel: t.model || 'unknown',
    outcome: t.outcome,
    scope: 'task-agnostic',
    tags: ['rules', p.id],
    category: PATTERN_CATEGORY[p.id],
    provenance: { file: t.file, trajectoryId: t.id, distiller: 'rules', evidence: [...new Set(p.evidence)].sort((a, b) => a - b) },
  }));
}
