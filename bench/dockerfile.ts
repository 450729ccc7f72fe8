/**
 * The parts of our Dockerfile that CI checks and replays outside a container (bench/image-smoke.ts,
 * tests/deploy): its stages, each with its instructions in order. Enough of the format for our own file:
 * line continuations, comments, `FROM … AS name`, JSON-array or shell forms; no heredocs or parser
 * directives other than the leading `# syntax=` comment.
 */
export interface Instruction {
  /** Upper-cased: RUN, COPY, ENV, USER, CMD, HEALTHCHECK… */
  op: string;
  /** The rest of the instruction, continuation lines joined by a space. */
  args: string;
}

export interface Stage {
  /** The image it starts from, with build arguments as written (`node:${NODE_VERSION}-bookworm-slim`). */
  from: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const op = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!from) throw new Error(`FROM not understood: ${rest}`);
      stages.push({ from: from[1]!, ...(from[2] ? { name: from[2] } : {}), instructions: [] });
    } else if (stages.length === 0) {
      if (op !== 'ARG') throw new Error(`${op} before the first FROM`);
      const [name, value = ''] = rest.split('=');
      args[name!] = value;
    } else {
      stages.at(-1)!.instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

/** Instructions one per line: comments and blank lines dropped, `\` continuations joined. */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push((pending + line).trim());
    pending = '';
  }
  if (pending.trim()) lines.push(pending.trim());
  return lines.filter(Boolean);
}

/** `["node", "x.js"]` as its argv, or a shell-form command as `sh -c` would run it. */
export function argvOf(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return ['sh', '-c', args];
}

/** `ENV A=1 B="two words"` as its variables (only the key=value form). */
export function envOf(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) env[m[1]!] = m[3] ?? m[2]!;
  return env;
}

/** `COPY [--from=stage] [--chown=…] src… dest` as its parts. */
export function copyOf(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1)! };
}
