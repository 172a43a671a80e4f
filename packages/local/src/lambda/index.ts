/**
 * Each of ArtAI's Lambda functions in its own worker thread, with its own environment: its own
 * credentials and its own links, as Lambda gives each function its own execution environment
 * and role. No module state (SDK clients, caches) is shared between functions, and a
 * function's SDK clients sign with its key, so the local services can hold it to its
 * permissions. The API Gateway adapter, the event source mapping, the sweeper's timer and the
 * SNS subscription invoke through `invoke`, with JSON events.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** Variables a function never inherits from the stack's process: its role and links are its own. */
const PRIVATE =
  /^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_PROFILE|SST_RESOURCE_.*|SST_RESOURCES_JSON)$/;

export interface LambdaOptions {
  name: string;
  /** The handler's module, e.g. `@artai/functions/api`; it exports `handler`. */
  module: string;
  /** Modules that read no configuration, loaded before `start` (the SDK clients, sharp). */
  preload?: string[];
  /**
   * Modules (specifiers or `file:` URLs) the thread imports before anything else, as Lambda loads
   * what `NODE_OPTIONS=--import` names before the runtime: outside instrumentation (the bench's
   * call trace). One that fails to load fails the cold start, with its error.
   */
  instrument?: string[];
}

export class LocalLambda {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private next = 0;
  private closed = false;
  /** Resolves once the handler's module has loaded (its cold start, after `start`). */
  readonly ready: Promise<void>;
  /** The function's environment, once started. */
  env: Record<string, string> = {};

  constructor(readonly options: LambdaOptions) {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] => entry[1] !== undefined && !PRIVATE.test(entry[0]),
      ),
    );
    this.worker = new Worker(fileURLToPath(new URL("./bootstrap.mjs", import.meta.url)), {
      workerData: {
        module: options.module,
        preload: options.preload ?? [],
        instrument: options.instrument ?? [],
      },
      env: inherited,
      name: `artai-${options.name}`,
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (message) => {
        if (message.ready) return resolve();
        if (message.initError) return reject(new Error(`${options.name}: ${message.initError}`));
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (message.error) {
          const error = new Error(message.error.message);
          error.name = message.error.name;
          error.stack = message.error.stack;
          call.reject(error);
        } else {
          call.resolve(message.result);
        }
      });
      this.worker.on("error", (error) => {
        reject(error);
        this.failAll(error);
      });
      this.worker.on("exit", (code) => {
        const error = new Error(`the ${options.name} function's thread exited (${code})`);
        reject(error);
        this.failAll(error);
      });
    });
    // A cold start that fails is reported by `ready`; never as an unhandled rejection.
    this.ready.catch(() => {});
  }

  /**
   * Gives the function its own environment (credentials, endpoints, `SST_RESOURCE_*` links) and
   * loads its handler with it; resolves when the function can be invoked.
   */
  start(env: Record<string, string>): Promise<void> {
    this.env = env;
    this.worker.postMessage({ env });
    return this.ready;
  }

  /** Invokes the handler with `event` (structured-cloneable) and returns its result. */
  async invoke<T = unknown>(event: unknown): Promise<T> {
    if (this.closed) throw new Error(`the ${this.options.name} function is stopped`);
    await this.ready;
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, event });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }

  private failAll(error: Error) {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}
