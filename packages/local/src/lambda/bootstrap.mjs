// The first module of a function's worker thread. Worker threads start without the parent's
// TypeScript loader, so this registers tsx's loader for the thread, then loads the runtime.
import { register } from "tsx/esm/api";

register();
await import("./runtime.ts");
