import { AppError } from './errors';

/**
 * An error and every error under it (`cause`, and each of an AggregateError's `errors`), one per line,
 * for messages a person reads (the fatal boot message): "database migrations failed" alone hides
 * "database is locked". Our own errors show their message (they are written to be read); anything else
 * shows its stack, which says where it came from. Each names the error's `code` when it has one.
 */
export function describeErrorChain(err: unknown, maxDepth = 8): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number, label: string): void => {
    const indent = '  '.repeat(depth);
    if (depth > maxDepth || seen.has(e)) return void lines.push(`${indent}${label}…`);
    seen.add(e);
    if (!(e instanceof Error)) return void lines.push(`${indent}${label}${String(e)}`);
    const code = (e as { code?: unknown }).code;
    const tag = typeof code === 'string' || typeof code === 'number' ? ` [${code}]` : '';
    // "Name [code]: message", then (not for ours) the stack's frames.
    const text = e instanceof AppError ? `${e.name}: ${e.message}` : (e.stack ?? `${e.name}: ${e.message}`);
    const tagged = text.startsWith(`${e.name}: `) ? `${e.name}${tag}: ${text.slice(e.name.length + 2)}` : `${text}${tag}`;
    lines.push(`${indent}${label}${tagged.replaceAll('\n', `\n${indent}`)}`);
    if (e instanceof AggregateError) for (const inner of e.errors) visit(inner, depth + 1, 'one of: ');
    if (e.cause !== undefined) visit(e.cause, depth + 1, 'caused by: ');
  };
  visit(err, 0, '');
  return lines.join('\n');
}
