import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, BaseMessage, HumanMessage, type BaseMessageLike } from '@langchain/core/messages';
import { LlmUnavailableError } from '../../bot/errors';
import type { Logger } from '../../bot/logger';
import type { CallLimiter } from './call-limiter';
import { currentCitizen } from './citizen-scope';
import { CircuitBreaker } from './circuit-breaker';
import { sharesRun } from './grounded-check';
import { redactWithReport } from './redact';

/** What an {@link LlmGuard} enforces. */
export interface LlmGuardOptions {
  /** Upper bound of one call, whatever the caller's own signal says. */
  timeoutMs: number;
  /** Shared per provider, so every LLM path of a process sees the same provider health. @defaultValue a fresh one */
  breaker?: CircuitBreaker;
  /** The per-citizen allowance; a function so the composition root can install Redis after models are built. */
  limiter?: CallLimiter | (() => CallLimiter | undefined);
  /** Largest answer accepted (text plus tool-call arguments). @defaultValue 8_000 */
  maxOutputChars?: number;
  log?: Logger;
}

/** Per-call options of {@link LlmGuard.run}. */
export interface GuardedCallOptions {
  /** The caller's own cancellation (its timeout); combined with the guard's. */
  signal?: AbortSignal;
  /** Whose allowance the call uses. @defaultValue the citizen of the current turn (`withCitizen`) */
  citizenId?: string;
}

const GUARDED = Symbol.for('citybot.llm-guarded');

/**
 * The one gate every model call passes (OWASP LLM Top 10 where it applies to us): the circuit
 * breaker (LLM10), the citizen's hourly allowance (LLM10), the redaction of personal data from
 * the citizen's messages (LLM02), a hard timeout, and a cap on the answer's size (LLM10). Every
 * refusal or failure is an error (`LlmUnavailableError` for refusals), never a silent partial
 * answer: callers already fall back to their offline path on any error.
 *
 * What the model *says* is checked by each caller against what it may say (LLM05): a catalog code
 * (LlmClassifier, zod enum), a field copied from the message (LlmPlaceExtractor), or text grounded
 * in retrieved passages (`groundedAnswerCheck`).
 */
export class LlmGuard {
  readonly breaker: CircuitBreaker;
  readonly #opts: LlmGuardOptions;

  constructor(opts: LlmGuardOptions) {
    this.#opts = opts;
    this.breaker = opts.breaker ?? new CircuitBreaker();
  }

  /**
   * Runs one provider call through the gate. `call` gets the signal to pass to the provider.
   * @throws LlmUnavailableError when the breaker is open or the citizen's allowance is spent;
   *   otherwise whatever the call threw (after counting it against the provider).
   */
  async run<T>(call: (signal: AbortSignal) => Promise<T>, opts: GuardedCallOptions = {}): Promise<T> {
    const citizen = opts.citizenId ?? currentCitizen();
    // An open breaker refuses before the allowance is counted: the citizen did not get a model answer.
    if (this.breaker.state === 'open') throw new LlmUnavailableError('the model provider is failing (circuit open); answering offline');
    if (!(await this.#withinAllowance(citizen))) {
      throw new LlmUnavailableError('the citizen has used up the hourly model calls; answering offline');
    }
    if (!this.breaker.tryAcquire()) throw new LlmUnavailableError('the model provider is failing (circuit open); answering offline');
    const timeout = AbortSignal.timeout(this.#opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let result: T;
    try {
      result = await call(signal);
    } catch (err) {
      // Only the provider's own failures count: an answer that does not parse is the model's (or an
      // injection's) doing, and must not let one citizen switch the model off for everyone.
      if (isProviderFailure(err, signal)) this.breaker.failure(retryAfterMs(err));
      else this.breaker.success();
      this.#opts.log?.warn({ err, timedOut: signal.aborted, breaker: this.breaker.state }, 'model call failed');
      throw err;
    }
    this.breaker.success();
    const size = outputSize(result);
    const max = this.#opts.maxOutputChars ?? 8_000;
    if (size > max) throw new LlmUnavailableError(`the model answered ${size} characters (more than ${max}); answer discarded`);
    return result;
  }

  /**
   * Makes every call of `model` (plain `invoke`, and the bindings `withStructuredOutput` and
   * `bindTools` create, which all end in the model's own `invoke`) go through {@link run}, with
   * the human messages redacted first. Idempotent.
   */
  guardModel<M extends BaseChatModel>(model: M): M {
    const marked = model as M & { [GUARDED]?: LlmGuard };
    if (marked[GUARDED]) return model;
    const invoke = model.invoke.bind(model);
    const guarded = async (input: BaseLanguageModelInput, options?: M['ParsedCallOptions']) => {
      const out = await this.run((signal) => invoke(redactInput(input), { ...options, signal }), options?.signal ? { signal: options.signal } : {});
      refuseLeakedInstructions(input, out);
      return out;
    };
    // Patching the instance (not subclassing) keeps each provider's own withStructuredOutput, which
    // differs per provider (json_schema, tool calling, Ollama's format), and works for fakes too.
    Object.defineProperty(model, 'invoke', { value: guarded, configurable: true, writable: true });
    // ChatOpenAI's withConfig (used by withStructuredOutput and bindTools) returns a *new* model
    // rather than a binding around this one: that copy must be guarded too.
    const withConfig = model.withConfig.bind(model);
    const guardedWithConfig = (config: Parameters<M['withConfig']>[0]) => {
      const bound: unknown = withConfig(config);
      return isChatModel(bound) ? this.guardModel(bound) : bound;
    };
    Object.defineProperty(model, 'withConfig', { value: guardedWithConfig, configurable: true, writable: true });
    Object.defineProperty(model, GUARDED, { value: this });
    return model;
  }

  async #withinAllowance(citizen: string | undefined): Promise<boolean> {
    const configured = this.#opts.limiter;
    const limiter = typeof configured === 'function' ? configured() : configured;
    if (!limiter || citizen === undefined) return true;
    try {
      return await limiter.take(citizen);
    } catch (err) {
      // Fail closed: without a count the offline path answers, which is always safe.
      this.#opts.log?.error({ err }, 'LLM call limiter unavailable; answering offline');
      return false;
    }
  }
}

function isChatModel(x: unknown): x is BaseChatModel {
  return typeof x === 'object' && x !== null && typeof (x as BaseChatModel).invoke === 'function' && typeof (x as BaseChatModel).withConfig === 'function' && '_generate' in x;
}

/** Whether `model` already goes through an {@link LlmGuard}. */
export function isGuarded(model: BaseChatModel): boolean {
  return Boolean((model as BaseChatModel & { [GUARDED]?: LlmGuard })[GUARDED]);
}

/**
 * Invokes a chat model through `guard` (or through the guard it already has): the one call shape
 * for LLM paths that do not use `withStructuredOutput`.
 *
 * @example const reply = await invokeModel(guard, model, [new SystemMessage(p), new HumanMessage(q)], { signal });
 */
export async function invokeModel(
  guard: LlmGuard,
  model: BaseChatModel,
  input: BaseLanguageModelInput,
  options: { signal?: AbortSignal } = {},
): Promise<AIMessage> {
  if (isGuarded(model)) return model.invoke(input, options);
  const out = await guard.run((signal) => model.invoke(redactInput(input), { ...options, signal }), options);
  refuseLeakedInstructions(input, out);
  return out;
}

/**
 * The leading block of every system message (up to its first blank line) is instructions by the
 * house convention of our prompts; what follows (the catalog list, retrieved passages) may be
 * quoted. An answer that repeats six words in a row of the instructions is a prompt leak (LLM07).
 */
function refuseLeakedInstructions(input: BaseLanguageModelInput, out: unknown): void {
  const instructions = systemTexts(input).map((t) => t.split(/\n\s*\n/)[0] ?? '').join('\n');
  if (instructions.trim() === '' || !AIMessage.isInstance(out)) return;
  const said = [typeof out.content === 'string' ? out.content : JSON.stringify(out.content), ...(out.tool_calls ?? []).map((c) => JSON.stringify(c.args))].join('\n');
  if (sharesRun(said, instructions)) throw new LlmUnavailableError('the model answered with its own instructions; answer discarded');
}

function systemTexts(input: BaseLanguageModelInput): string[] {
  if (typeof input === 'string') return [];
  const messages = Array.isArray(input) ? input : input.toChatMessages();
  return messages.flatMap((m) => {
    if (BaseMessage.isInstance(m)) return m.type === 'system' ? [typeof m.content === 'string' ? m.content : JSON.stringify(m.content)] : [];
    if (Array.isArray(m)) return m[0] === 'system' && typeof m[1] === 'string' ? [m[1]] : [];
    const plain = m as { role?: string; type?: string; content?: unknown };
    return (plain.role ?? plain.type) === 'system' && typeof plain.content === 'string' ? [plain.content] : [];
  });
}

/** The input with every human message's text redacted; system and assistant messages are ours and kept. */
export function redactInput(input: BaseLanguageModelInput): BaseLanguageModelInput {
  if (typeof input === 'string') return redactWithReport(input).text;
  if (Array.isArray(input)) return input.map(redactMessage);
  return input.toChatMessages().map(redactMessage);
}

function redactMessage(m: BaseMessageLike): BaseMessageLike {
  if (typeof m === 'string') return redactWithReport(m).text;
  if (Array.isArray(m)) {
    const [role, content] = m as [string, unknown];
    return isHumanRole(role) && typeof content === 'string' ? [role, redactWithReport(content).text] : m;
  }
  if (BaseMessage.isInstance(m)) {
    if (m.type !== 'human') return m;
    return new HumanMessage({ content: redactContent(m.content), ...(m.id ? { id: m.id } : {}), ...(m.name ? { name: m.name } : {}) });
  }
  const plain = m as { role?: string; type?: string; content?: unknown };
  if (isHumanRole(plain.role ?? plain.type ?? '') && plain.content !== undefined) {
    return { ...plain, content: redactContent(plain.content as HumanMessage['content']) } as BaseMessageLike;
  }
  return m;
}

function isHumanRole(role: string): boolean {
  return role === 'user' || role === 'human';
}

function redactContent(content: HumanMessage['content']): HumanMessage['content'] {
  if (typeof content === 'string') return redactWithReport(content).text;
  return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? { ...part, text: redactWithReport(part.text).text } : part));
}

/** Characters of what the model sent back: text plus every tool call's arguments. */
function outputSize(result: unknown): number {
  if (typeof result === 'string') return result.length;
  if (!AIMessage.isInstance(result) && !BaseMessage.isInstance(result)) return 0;
  const msg = result as AIMessage;
  const text = typeof msg.content === 'string' ? msg.content.length : JSON.stringify(msg.content).length;
  const tools = (msg.tool_calls ?? []).reduce((n, c) => n + JSON.stringify(c.args ?? {}).length, 0);
  const invalid = (msg.invalid_tool_calls ?? []).reduce((n, c) => n + (c.args?.length ?? 0), 0);
  return text + tools + invalid;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const NETWORK_NAMES = new Set(['APIConnectionError', 'APIConnectionTimeoutError', 'TimeoutError', 'AbortError', 'FetchError']);

/**
 * Whether an error says the provider is unwell: a timeout, no connection, 429, any 5xx, or an
 * authentication or routing error (401, 403, 404: every later call would fail the same way).
 * A 400 or an unparsable answer says nothing about the provider's health.
 */
export function isProviderFailure(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { status?: unknown; status_code?: unknown; response?: { status?: unknown }; name?: unknown; code?: unknown; message?: unknown };
    const status = Number(x.status ?? x.status_code ?? x.response?.status);
    if (Number.isFinite(status) && status > 0) return status === 429 || status >= 500 || status === 401 || status === 403 || status === 404;
    if (typeof x.name === 'string' && NETWORK_NAMES.has(x.name)) return true;
    if (typeof x.code === 'string' && NETWORK_CODES.has(x.code)) return true;
    if (x.name === 'TypeError' && x.message === 'fetch failed') return true;
  }
  return false;
}

/** A 429's or 503's wish, in ms: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(err: unknown, now: number = Date.now()): number | undefined {
  const headers = (err as { headers?: unknown } | null)?.headers ?? (err as { response?: { headers?: unknown } } | null)?.response?.headers;
  const get = (name: string): string | undefined => {
    if (!headers || typeof headers !== 'object') return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
    const v = (headers as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : undefined;
  };
  const ms = Number(get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const after = get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
