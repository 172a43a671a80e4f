/**
 * The model container, as SageMaker runs it: `packages/model`'s own `serve` entry as a child
 * process (or a server that is already running, `StackOptions.modelUrl`). It starts while the rest
 * of the stack does; the reliability tests stop it and start it again on the same port.
 */
import { startModel } from "../model.ts";
import type { StackContext } from "./types.ts";

export function launchModel({ options, log, closers }: StackContext) {
  let model: { url: string; stop(): Promise<void> } | undefined;
  let modelPort: number | undefined;
  const launch = async () => {
    if (options.modelUrl) {
      model = { url: options.modelUrl, stop: async () => {} };
      return;
    }
    const started = await startModel({
      port: modelPort,
      env: options.modelEnv,
      log: (line) => log("model", line),
    });
    modelPort = Number(new URL(started.url).port);
    model = started;
  };
  const started = launch();
  started.catch(() => {});
  closers.push(async () => {
    await started.catch(() => {});
    await model?.stop();
  });
  return {
    /** The container's URL once it is up, read on every invocation. */
    url: () => model?.url,
    /** Settles when the first launch has: the container answers `/ping`, or it failed to. */
    started,
    stop: async () => model?.stop(),
    /** Starts the container again, on the same port. */
    start: launch,
  };
}

export type ModelLaunch = ReturnType<typeof launchModel>;
