// What kind of thing each step did. The workflow level and the rules miner both reason over these kinds rather
// than raw command strings, so one classifier decides what "an edit", "a test run" or "an install" is.
import type { Step, Trajectory } from '../trajectory/types';

export const STEP_KINDS = ['edit', 'create', 'test', 'run', 'install', 'search', 'view', 'submit', 'plan', 'other'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface ClassifiedStep {
  step: Step;
  kind: StepKind;
  /** First line of the action, trimmed: what a person would call "the command". */
  command: string;
  /** File the step wrote or ran, when we can tell. */
  target?: string;
  /** Writes or runs a reproduction script (reproduce.py, repro.sh, bug_test.js, ...). */
  repro: boolean;
  /** For runs, tests, installs and edits: did the observation report a failure? */
  failed?: boolean;
  /** The observation says a tool, module or package is missing. */
  missingTool: boolean;
}

const REPRO_FILE = /(^|[\/\s_-])(repro|reproduce|reproduction|reproducer|bug|issue|debug|demo)[\w-]*\.\w+\b/i;
const TEST_CMD =
  /(^|[\s;&|(])(pytest|py\.test|tox|nox|unittest|runtests(\.py)?|npm (run )?test|yarn test|pnpm test|go test|cargo test|mvn test|gradle test|make (test|check)|jest|vitest|mocha|rspec|phpunit|ctest|bin\/test|manage\.py test)\b/i;
const INSTALL_CMD =
  /(^|[\s;&|(])(pip3? install|python3? -m pip install|conda install|mamba install|apt(-get)? install|apk add|npm (i|install|add)\b|yarn add|pnpm (add|install)|cargo (add|install)|go (get|install)|gem install|brew install|poetry add|uv (pip )?(install|add)|dnf install|yum install)/i;
const SEARCH_CMD = /^(grep|rg|ag|ack|find|fd|search_dir|search_file|find_file|rover_search\w*|locate|git grep)\b/;
const VIEW_CMD = /^(open|goto|scroll_down|scroll_up|cat|head|tail|less|more|ls|tree|pwd|wc|nl|sed -n|git (log|show|diff|status)|str_replace_editor view|view|read)\b/;
const RUN_CMD = /^(python3?|node|deno|bun|ruby|perl|php|bash|sh|zsh|java|go run|cargo run|npx|make|\.\/|[\w-]+\.(py|js|sh|rb))\b/;
const SUBMIT_CMD = /^(submit|finish|mark_task_complete|echo COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT|exit_forfeit|task_complete)\b/i;
const PLAN_CMD = /^(plan|succeed|fail|think)\b/;
// Editor tools, in-place stream edits, and shell writes (`cat <<EOF > f`, `echo x >> f`, `... | tee f`).
const EDIT_CMD =
  /^(edit\b|str_replace_editor (create|str_replace|insert|undo_edit)|edit_file|write_file|create_file|apply_patch|patch\b|git apply|insert\b|append\b|replace\b|write\b)|\bsed -i|\bperl -pi\b|^(cat|echo|printf)\b[^|]*?>{1,2}\s*(?!\/dev\/null)[\w./-]+|\|\s*tee\b/;

const FAILURE_OUT =
  /Traceback \(most recent call last\)|^\s*[\w.]*(Error|Exception)(: |$)|^\s*(E\s{2,}|FAILED\b|ERROR\b)|\b\d+ (failed|errors?)\b|command not found|No such file or directory|exit code [1-9]\d*|<returncode>[1-9]|^\s*(error|fatal)(\[\w+\])?:|\bSyntaxError\b|AssertionError|npm ERR!|Segmentation fault/im;
const EDIT_REJECTED = /Your proposed edit has introduced new syntax error|edit (was|has been) (rejected|reverted)|No replacement was performed|did not appear verbatim/i;
const MISSING_TOOL =
  /command not found|No module named|ModuleNotFoundError|Cannot find module|is not installed|not recognized as an internal or external command|could not find (a )?(version|package)|Unable to locate package|package .{1,40} is not available/i;

function editTarget(step: Step): string | undefined {
  const header = /\[File: ([^\]\n]+?) \(\d+ lines total\)\]/.exec(step.observation ?? '')?.[1];
  if (header) return header.trim();
  const a = step.action ?? '';
  return (
    /^create\s+(\S+)/.exec(a)?.[1] ??
    /^str_replace_editor \w+ (\S+)/.exec(a)?.[1] ??
    /(?:^|[^>])>{1,2}\s*([\w./-]+)/.exec(a)?.[1] ??
    /sed -i\S*\s+(?:-e\s+)?(?:'[^']*'|"[^"]*")\s+(\S+)/.exec(a)?.[1]
  );
}

export function classifyStep(step: Step): ClassifiedStep {
  const action = (step.action ?? '').trim();
  const command = action.split('\n')[0].trim();
  const obs = step.observation ?? '';
  let kind: StepKind;
  if (!action) kind = 'other';
  else if (SUBMIT_CMD.test(command)) kind = 'submit';
  else if (PLAN_CMD.test(command)) kind = 'plan';
  else if (INSTALL_CMD.test(command)) kind = 'install';
  else if (/^create\s+\S+/.test(command) || /^str_replace_editor create\b/.test(command)) kind = 'create';
  else if (TEST_CMD.test(command)) kind = 'test';
  // `python x.py > out.txt` runs something; `echo ... > file` / `cat > file <<EOF` write a file.
  else if (RUN_CMD.test(command) || (REPRO_FILE.test(command) && !/^(cat|echo|printf|tee|sed|open|vi|nano)\b/.test(command))) kind = 'run';
  else if (EDIT_CMD.test(command)) kind = 'edit';
  else if (SEARCH_CMD.test(command)) kind = 'search';
  else if (VIEW_CMD.test(command)) kind = 'view';
  else kind = 'other';

  const target = kind === 'edit' || kind === 'create' ? editTarget(step) : /(\S+\.(py|js|ts|sh|rb|go|rs|java|php))\b/.exec(command)?.[1];
  const repro = REPRO_FILE.test(target ?? '') || ((kind === 'run' || kind === 'test') && REPRO_FILE.test(command));
  let failed: boolean | undefined;
  if (kind === 'run' || kind === 'test' || kind === 'install' || kind === 'other') failed = obs ? FAILURE_OUT.test(obs) : undefined;
  if (kind === 'edit' || kind === 'create') failed = EDIT_REJECTED.test(obs);
  return { step, kind, command, target, repro, failed, missingTool: MISSING_TOOL.test(obs) };
}

export function classifySteps(t: Pick<Trajectory, 'steps'>): ClassifiedStep[] {
  return t.steps.map(classifyStep);
}

/** A run or test whose purpose is to check a change (not an edit, search or view). */
export function isVerification(c: ClassifiedStep): boolean {
  return c.kind === 'test' || c.kind === 'run';
}

/** An edit of the code under work, as opposed to writing the reproduction script. */
export function isSourceEdit(c: ClassifiedStep): boolean {
  return (c.kind === 'edit' || c.kind === 'create') && !c.repro && c.failed !== true;
}
