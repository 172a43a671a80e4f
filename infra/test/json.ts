/**
 * Resource inputs and RPC payloads are JSON shaped by AWS provider schemas the tests read
 * field by field; typing each schema would add nothing the assertions do not already check.
 */
// biome-ignore lint/suspicious/noExplicitAny: arbitrary provider JSON, read by assertions.
export type Json = any;
