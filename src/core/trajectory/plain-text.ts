// Plain text / markdown logs, as people paste them: `Thought:` / `Action:` / `Observation:` labels, `$ command`
// lines followed by their output, ```bash fences followed by an output fence, `## Step N` headings, pasted chats
// (`User:` / `Assistant:` / `Tool:` turns). Anything we
// cannot place becomes a thought, so a log never fails to parse — it only yields fewer commands.
import type { Outcome } from '../memory';
import { outcomeFromLabel } from './outcome';
import { clean, LIMITS } from './text';
import type { Step } from './types';
import type { ParsedRun } from './run';

type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'label'; label: string; text: string }
  | { kind: 'fence'; lang: string; text: string }
  | { kind: 'shell'; command: string; output: string }
  | { kind: 'para'; text: string };

const LABEL = /^\s*(?:[*_]{0,2})(thought|thinking|reasoning|action|command|cmd|observation|output|result|task|goal|objective|outcome|status|verdict|user|human|assistant|ai|agent|tool|system)(?:[*_]{0,2})\s*:\s*(?:[*_]{0,2})\s*(.*)$/i;
const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'console', 'zsh', 'terminal', 'shell-session', 'powershell', 'ps', 'cmd']);

function blocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let i = 0;
  const isBreak = (l: string) => !l.trim() || /^#{1,6}\s/.test(l) || /^\s*```/.test(l) || LABEL.test(l) || /^\s*\$ /.test(l);
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      out.push({ kind: 'fence', lang: fence[2].toLowerCase(), text: body.join('\n') });
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      out.push({ kind: 'heading', text: heading[1].trim() });
      i++;
      continue;
    }
    const shell = /^\s*\$ (.+)$/.exec(line);
    if (shell) {
      const output: string[] = [];
      i++;
      while (i < lines.length && lines[i].trim() && !isBreak(lines[i])) output.push(lines[i++]);
      out.push({ kind: 'shell', command: shell[1], output: output.join('\n') });
      continue;
    }
    const label = LABEL.exec(line);
    const body: string[] = label ? [label[2]] : [line];
    i++;
    while (i < lines.length && !isBreak(lines[i])) body.push(lines[i++]);
    // A label with its value in a following fence (`Action:` then ```bash) is handled by the builder.
    out.push(label ? { kind: 'label', label: label[1].toLowerCase(), text: body.join('\n').trim() } : { kind: 'para', text: body.join('\n') });
  }
  return out;
}

/** Splits a console fence (`$ cmd` lines and their output) into command/output pairs. */
function consolePairs(text: string): { command: string; output: string }[] {
  const pairs: { command: string; output: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\$ (.+)$/.exec(line);
    if (m) pairs.push({ command: m[1], output: '' });
    else if (pairs.length) pairs[pairs.length - 1].output += (pairs[pairs.length - 1].output ? '\n' : '') + line;
  }
  return pairs;
}

export function parsePlainText(text: string): ParsedRun {
  const raw: { thought: string[]; action: string[]; observation: string[] }[] = [];
  let cur: (typeof raw)[number] | undefined;
  let task = '';
  let fileOutcome: Outcome | undefined;
  let pendingLabel: string | undefined;
  const start = () => raw.push((cur = { thought: [], action: [], observation: [] }));
  const addThought = (t: string) => {
    if (!cur || cur.action.length || cur.observation.length) start();
    cur!.thought.push(t);
  };
  const addAction = (a: string) => {
    if (!cur || cur.action.length) start();
    cur!.action.push(a);
  };
  const addObservation = (o: string) => {
    if (!cur) start();
    cur!.observation.push(o);
  };

  for (const b of blocks(text)) {
    const label = pendingLabel;
    pendingLabel = undefined;
    switch (b.kind) {
      case 'heading':
        if (/^step\b/i.test(b.text)) start();
        else if (!task && !raw.length) task = b.text.replace(/^task\s*:\s*/i, '');
        break;
      case 'label': {
        const v = b.text;
        if (/^(task|goal|objective)$/.test(b.label)) {
          if (v) task = v;
          else pendingLabel = 'task';
        } else if (/^(outcome|status|verdict)$/.test(b.label)) {
          const first = v.split(/[\s.,;(]/)[0];
          fileOutcome = outcomeFromLabel(first) ?? fileOutcome;
        } else if (/^(action|command|cmd)$/.test(b.label)) {
          if (v) addAction(v);
          else pendingLabel = 'action';
        } else if (/^(observation|output|result)$/.test(b.label)) {
          if (v) addObservation(v);
          else pendingLabel = 'observation';
        } else if (/^(user|human)$/.test(b.label)) {
          // Pasted chat: the first user turn is the task, later ones usually carry command output.
          if (!task && !raw.length) {
            if (v) task = v;
            else pendingLabel = 'task';
          } else if (v) addObservation(v);
        } else if (/^(tool)$/.test(b.label)) {
          if (v) addObservation(v);
          else pendingLabel = 'observation';
        } else if (b.label === 'system') {
          // Harness instructions are not part of the run.
        } else if (v) addThought(v);
        break;
      }
      case 'shell':
        addAction(b.command);
        if (b.output.trim()) addObservation(b.output);
        break;
      case 'fence': {
        if (label === 'task') task = b.text;
        else if (label === 'observation') addObservation(b.text);
        else if (label === 'action') addAction(b.text);
        else if (b.lang === 'console' || b.lang === 'shell-session' || (!b.lang && /^\s*\$ /.test(b.text))) {
          for (const p of consolePairs(b.text)) {
            addAction(p.command);
            if (p.output.trim()) addObservation(p.output);
          }
        } else if (SHELL_LANGS.has(b.lang)) addAction(b.text);
        else if (cur && cur.action.length && !cur.observation.length) addObservation(b.text);
        else addAction(b.text);
        break;
      }
      case 'para':
        if (label === 'task' || (!task && !raw.length)) task = b.text;
        else addThought(b.text);
        break;
    }
  }
  const steps: Step[] = [];
  for (const r of raw) {
    const s: Step = {
      index: steps.length + 1,
      thought: clean(r.thought.join('\n\n'), LIMITS.thought),
      action: clean(r.action.join('\n'), LIMITS.action),
      observation: clean(r.observation.join('\n'), LIMITS.observation),
    };
    if (s.thought || s.action || s.observation) steps.push(s);
  }
  return { id: undefined, format: 'text', task: task.trim(), steps, fileOutcome };
}
